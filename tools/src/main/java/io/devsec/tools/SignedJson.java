package io.devsec.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.devsec.core.DeviceSecurity;
import io.devsec.tools.update.SigningKey;
import io.devsec.update.Envelope;
import io.devsec.update.KeyAlgorithm;
import io.devsec.update.VerificationKey;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Signed JSON documents the CLI writes (the evidence report of {@code devsec evidence}, the conformance statement
 * of {@code devsec report --sign-with}): a DSSE signature (as on update metadata: the pre-authentication encoding
 * of a payload type and the payload) over the document's canonical bytes: the document without its
 * {@code signature} member, object members sorted by name, no white space, UTF-8. The signature goes into the
 * document's {@code signature} member. docs/cli-json.md describes the fields.
 */
public final class SignedJson {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private SignedJson() {
    }

    /**
     * The SDK version of the devsec-core on the class path.
     *
     * @return the Implementation-Version of its jar, or "development build"
     */
    public static String sdkVersion() {
        String v = DeviceSecurity.class.getPackage().getImplementationVersion();
        return v == null ? "development build" : v;
    }

    /**
     * An input file's name and SHA-256, or JSON null.
     *
     * @param file the file, or null
     * @return {@code {"file": ..., "sha256": ...}} or JSON null
     * @throws IOException when the file cannot be read
     */
    public static JsonNode fileInput(Path file) throws IOException {
        if (file == null) {
            return JsonNodeFactory.instance.nullNode();
        }
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("file", file.toString());
        o.put("sha256", sha256Hex(Files.readAllBytes(file)));
        return o;
    }

    /**
     * Lower-case hex SHA-256.
     *
     * @param b the bytes
     * @return their SHA-256 in hex
     */
    public static String sha256Hex(byte[] b) {
        try {
            StringBuilder sb = new StringBuilder();
            for (byte x : MessageDigest.getInstance("SHA-256").digest(b)) {
                sb.append(String.format("%02x", x));
            }
            return sb.toString();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The canonical bytes the signature covers: the document without "signature", members sorted, compact.
     *
     * @param doc the document
     * @return its canonical bytes
     * @throws IOException when it cannot be serialised
     */
    public static byte[] canonical(JsonNode doc) throws IOException {
        JsonNode copy = doc.deepCopy();
        if (copy.isObject()) {
            ((ObjectNode) copy).remove("signature");
        }
        return MAPPER.writeValueAsBytes(sorted(copy));
    }

    private static Object sorted(JsonNode n) {
        if (n.isObject()) {
            Map<String, Object> m = new TreeMap<>();
            Iterator<Map.Entry<String, JsonNode>> it = n.fields();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> e = it.next();
                m.put(e.getKey(), sorted(e.getValue()));
            }
            return m;
        }
        if (n.isArray()) {
            List<Object> l = new ArrayList<>();
            n.forEach(x -> l.add(sorted(x)));
            return l;
        }
        return n;
    }

    /**
     * Signs the document in place: sets its "signature" member.
     *
     * @param doc the document
     * @param payloadType the DSSE payload type, which tells the kinds of document apart
     * @param key the signing key
     * @throws IOException when the key cannot sign or the document cannot be serialised
     */
    public static void sign(ObjectNode doc, String payloadType, SigningKey key) throws IOException {
        Envelope.Signature sig = key.signEnvelope(payloadType, canonical(doc));
        ObjectNode s = doc.putObject("signature");
        s.put("payloadType", payloadType);
        s.put("algorithm", key.publicKey().algorithm().id());
        s.put("keyid", sig.keyId());
        s.put("sig", Base64.getEncoder().encodeToString(sig.sig()));
    }

    /**
     * Pretty JSON, ending with a line break.
     *
     * @param doc the document
     * @return its UTF-8 bytes
     * @throws IOException when it cannot be serialised
     */
    public static byte[] toBytes(JsonNode doc) throws IOException {
        return (MAPPER.copy().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(doc) + "\n")
                .getBytes(StandardCharsets.UTF_8);
    }

    /** Why a document's signature does not verify under a key. */
    public static final class BadSignatureException extends Exception {
        private static final long serialVersionUID = 1L;

        BadSignatureException(String message) {
            super(message);
        }
    }

    /**
     * Checks the document's signature against a public key and payload type.
     *
     * @param doc the parsed document
     * @param payloadType the payload type its kind must be signed under
     * @param key the manufacturer's public key
     * @throws BadSignatureException when it is unsigned, signed for another kind of document, signed by another
     *     key, or changed after signing
     * @throws IOException when the document cannot be canonicalised
     */
    public static void verify(JsonNode doc, String payloadType, VerificationKey key)
            throws BadSignatureException, IOException {
        JsonNode s = doc.get("signature");
        if (s == null || !s.isObject() || !s.path("sig").isTextual()) {
            throw new BadSignatureException("the document is not signed");
        }
        if (!payloadType.equals(s.path("payloadType").asText())) {
            throw new BadSignatureException("signature payloadType is not " + payloadType);
        }
        byte[] sig;
        try {
            sig = Base64.getDecoder().decode(s.get("sig").asText());
        } catch (IllegalArgumentException e) {
            throw new BadSignatureException("the signature is not base64");
        }
        byte[] pae = Envelope.preAuthenticationEncoding(payloadType, canonical(doc));
        boolean ok;
        try {
            PublicKey pub;
            Signature v;
            if (key.algorithm() == KeyAlgorithm.ED25519) {
                pub = KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(key.subjectPublicKeyInfo()));
                v = Signature.getInstance("Ed25519");
            } else {
                pub = KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(key.subjectPublicKeyInfo()));
                v = Signature.getInstance("SHA256withECDSA");
            }
            v.initVerify(pub);
            v.update(pae);
            ok = v.verify(sig);
        } catch (GeneralSecurityException e) {
            ok = false;
        }
        if (!ok) {
            throw new BadSignatureException(key.keyId().equals(s.path("keyid").asText())
                    ? "the signature does not match the document: it was changed after signing"
                    : "the document is signed by key " + s.path("keyid").asText() + ", not by " + key.keyId()
                            + " (or was changed after signing)");
        }
    }
}
