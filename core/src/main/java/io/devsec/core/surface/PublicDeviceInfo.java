package io.devsec.core.surface;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * What a device may tell anyone before authentication (EN 303 645 5.6-2): the product name and the
 * device id, nothing else. Immutable.
 *
 * <p>Why these two: a person pairing or a back end routing messages needs to know which device it
 * talks to. The device id ({@code ds-} and 32 base32 characters) is a hash of the identity public key,
 * which the device presents in every TLS handshake anyway, so it reveals nothing new and no secret.
 * Left out on purpose: the serial number (printed on the label with the label password, and often the
 * base of vendor defaults), every version (firmware, DevSec, JVM, OS: they tell an attacker which
 * known vulnerabilities to try), certificates, public keys and anything else from the keystore. The
 * product name must therefore carry no version either: {@link #of} refuses one that looks like
 * {@code 2.1}, {@code v3} or says "firmware", "version" or "build".
 */
public final class PublicDeviceInfo {
    private static final Pattern DEVICE_ID = Pattern.compile("ds-[a-z2-7]{32}");
    private static final Pattern VERSION_LIKE = Pattern.compile(
            "(?i)(\\d+[._]\\d+|\\bv\\d+|\\b(firmware|fw|version|ver|build|rev|release)\\b)");

    private final String productName;
    private final String deviceId;

    private PublicDeviceInfo(String productName, String deviceId) {
        this.productName = productName;
        this.deviceId = deviceId;
    }

    /**
     * @throws IllegalArgumentException when the device id is not a DevSec device id, or the product name
     *     is blank, longer than 64 characters, holds control characters or looks like it carries a version
     */
    public static PublicDeviceInfo of(String productName, String deviceId) {
        Objects.requireNonNull(productName, "productName");
        Objects.requireNonNull(deviceId, "deviceId");
        if (productName.trim().isEmpty() || productName.length() > 64) {
            throw new IllegalArgumentException("productName must be 1 to 64 characters and not blank");
        }
        for (int i = 0; i < productName.length(); i++) {
            if (Character.isISOControl(productName.charAt(i))) {
                throw new IllegalArgumentException("productName must not contain control characters");
            }
        }
        if (VERSION_LIKE.matcher(productName).find()) {
            throw new IllegalArgumentException("productName must not disclose a version before authentication "
                    + "(EN 303 645 5.6-2): use the name without it");
        }
        if (!DEVICE_ID.matcher(deviceId).matches()) {
            throw new IllegalArgumentException("deviceId must be ds- followed by 32 lower-case base32 characters");
        }
        return new PublicDeviceInfo(productName, deviceId);
    }

    public String productName() {
        return productName;
    }

    public String deviceId() {
        return deviceId;
    }

    public String text() {
        return "Product: " + productName + "\nDevice id: " + deviceId + "\nSign in for more information.\n";
    }

    public String json() {
        ObjectNode o = new ObjectMapper().createObjectNode();
        o.put("product", productName);
        o.put("deviceId", deviceId);
        o.put("authenticationRequired", true);
        return o.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PublicDeviceInfo && ((PublicDeviceInfo) o).productName.equals(productName)
                && ((PublicDeviceInfo) o).deviceId.equals(deviceId);
    }

    @Override
    public int hashCode() {
        return productName.hashCode() * 31 + deviceId.hashCode();
    }

    @Override
    public String toString() {
        return "PublicDeviceInfo[" + productName + ", " + deviceId + "]";
    }
}
