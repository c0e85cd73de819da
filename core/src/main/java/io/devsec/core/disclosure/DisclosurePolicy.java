package io.devsec.core.disclosure;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IllformedLocaleException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The device maker's vulnerability disclosure contact and policy (provision 4.2), rendered as an
 * RFC 9116 {@code security.txt}.
 *
 * <p>Built by {@link #builder()}, which validates every field against RFC 9116 and against header and
 * line injection: contacts are {@code mailto:} addresses or {@code https:} URLs (at least one); every
 * other URL is {@code https:} with a host, without user information, whitespace, control characters or
 * percent-encoded control characters, at most 2048 characters; {@code Expires} is in the future and,
 * as RFC 9116 section 2.5.5 recommends, less than a year ahead (unless
 * {@link Builder#allowExpiryBeyondOneYear()}); languages are well-formed BCP 47 tags. Immutable.
 *
 * <p>The file must be re-rendered and republished before {@link #expires()}: after that date, readers
 * must treat the data as stale.
 */
public final class DisclosurePolicy {

    /** How far ahead RFC 9116 recommends {@code Expires} to be at most. */
    public static final Duration RECOMMENDED_MAX_VALIDITY = Duration.ofDays(365);

    private static final int MAX_URI = 2048;
    private static final Pattern MAILBOX = Pattern.compile(
            "[A-Za-z0-9!#$%&'*+/=^_`{|}~.-]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+");
    private static final Pattern ENCODED_CONTROL = Pattern.compile("%(?:[01][0-9A-Fa-f]|7[Ff])");

    private final List<URI> contacts;
    private final Instant expires;
    private final List<URI> encryption;
    private final List<URI> acknowledgments;
    private final List<String> preferredLanguages;
    private final List<URI> canonical;
    private final List<URI> policy;
    private final List<URI> hiring;
    /** Whether the builder was told to accept an expiry beyond the recommended maximum; kept for toBuilder(). */
    private final boolean longExpiryAllowed;

    private DisclosurePolicy(Builder b) {
        this.contacts = copy(b.contacts);
        this.expires = b.expires;
        this.encryption = copy(b.encryption);
        this.acknowledgments = copy(b.acknowledgments);
        this.preferredLanguages = copy(b.preferredLanguages);
        this.canonical = copy(b.canonical);
        this.policy = copy(b.policy);
        this.hiring = copy(b.hiring);
        this.longExpiryAllowed = b.allowLongExpiry;
    }

    private static <T> List<T> copy(List<T> l) {
        return Collections.unmodifiableList(new ArrayList<>(l));
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * A builder starting from this policy: {@code x.toBuilder().build()} equals {@code x} while its expiry is
     * still in the future (build() checks it again against the builder's clock, default the system clock),
     * and a setter changes only its own field.
     *
     * @return a new builder holding this object's values
     */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.contacts.addAll(contacts);
        b.expires = expires;
        b.encryption.addAll(encryption);
        b.acknowledgments.addAll(acknowledgments);
        b.preferredLanguages.addAll(preferredLanguages);
        b.canonical.addAll(canonical);
        b.policy.addAll(policy);
        b.hiring.addAll(hiring);
        b.allowLongExpiry = longExpiryAllowed;
        return b;
    }

    /** Where to report vulnerabilities, in order of preference. */
    public List<URI> contacts() {
        return contacts;
    }

    public Instant expires() {
        return expires;
    }

    public List<URI> encryption() {
        return encryption;
    }

    public List<URI> acknowledgments() {
        return acknowledgments;
    }

    public List<String> preferredLanguages() {
        return preferredLanguages;
    }

    public List<URI> canonical() {
        return canonical;
    }

    public List<URI> policy() {
        return policy;
    }

    public List<URI> hiring() {
        return hiring;
    }

    /** The policy URL, when there is one: the first {@link #policy()} entry. */
    public Optional<URI> policyUrl() {
        return policy.isEmpty() ? Optional.empty() : Optional.of(policy.get(0));
    }

    /**
     * The RFC 9116 {@code security.txt} text: one field per line, LF line endings, fields in the order
     * Contact, Expires, Encryption, Acknowledgments, Preferred-Languages, Canonical, Policy, Hiring.
     * {@code Expires} is an RFC 3339 / ISO 8601 date-time in UTC with a {@code Z} suffix. Serve it at
     * {@code /.well-known/security.txt}; sign it with OpenPGP where the site does so.
     */
    public String securityTxt() {
        StringBuilder sb = new StringBuilder();
        for (URI c : contacts) {
            field(sb, "Contact", c.toString());
        }
        field(sb, "Expires", DateTimeFormatter.ISO_INSTANT.format(expires));
        for (URI u : encryption) {
            field(sb, "Encryption", u.toString());
        }
        for (URI u : acknowledgments) {
            field(sb, "Acknowledgments", u.toString());
        }
        if (!preferredLanguages.isEmpty()) {
            field(sb, "Preferred-Languages", String.join(", ", preferredLanguages));
        }
        for (URI u : canonical) {
            field(sb, "Canonical", u.toString());
        }
        for (URI u : policy) {
            field(sb, "Policy", u.toString());
        }
        for (URI u : hiring) {
            field(sb, "Hiring", u.toString());
        }
        return sb.toString();
    }

    private static void field(StringBuilder sb, String name, String value) {
        sb.append(name).append(": ").append(value).append('\n');
    }

    @Override
    public String toString() {
        return "DisclosurePolicy[contacts=" + contacts + ", expires=" + expires + "]";
    }

    /** Builds a {@link DisclosurePolicy}; {@link #build()} names the bad field. */
    public static final class Builder {
        private final List<URI> contacts = new ArrayList<>();
        private Instant expires;
        private final List<URI> encryption = new ArrayList<>();
        private final List<URI> acknowledgments = new ArrayList<>();
        private final List<String> preferredLanguages = new ArrayList<>();
        private final List<URI> canonical = new ArrayList<>();
        private final List<URI> policy = new ArrayList<>();
        private final List<URI> hiring = new ArrayList<>();
        private Clock clock = Clock.systemUTC();
        private boolean allowLongExpiry;

        private Builder() {}

        /** Required at least once: a {@code mailto:} address or an {@code https:} URL. */
        public Builder contact(String uri) {
            contacts.add(contact("contact", uri));
            return this;
        }

        /** Required: when the file's content stops being valid; in the future, less than a year ahead. */
        public Builder expires(Instant expires) {
            this.expires = expires;
            return this;
        }

        /** An {@code https:} URL of the OpenPGP key (or other) to encrypt reports with. */
        public Builder encryption(String url) {
            encryption.add(https("encryption", url));
            return this;
        }

        /** An {@code https:} URL of the page thanking reporters. */
        public Builder acknowledgments(String url) {
            acknowledgments.add(https("acknowledgments", url));
            return this;
        }

        /** A language reports may be written in, as a BCP 47 tag ({@code en}, {@code de-CH}). */
        public Builder preferredLanguage(String tag) {
            preferredLanguages.add(language(tag));
            return this;
        }

        /** An {@code https:} URL where this security.txt is published. */
        public Builder canonical(String url) {
            canonical.add(https("canonical", url));
            return this;
        }

        /** An {@code https:} URL of the vulnerability disclosure policy. */
        public Builder policy(String url) {
            policy.add(https("policy", url));
            return this;
        }

        /** Optional: an {@code https:} URL of security-related job openings. */
        public Builder hiring(String url) {
            hiring.add(https("hiring", url));
            return this;
        }

        /** The clock {@link #build()} checks {@code expires} against; default {@link Clock#systemUTC()}. */
        public Builder clock(Clock clock) {
            this.clock = clock;
            return this;
        }

        /** Accepts an {@code Expires} more than a year ahead, against RFC 9116's recommendation. */
        public Builder allowExpiryBeyondOneYear() {
            this.allowLongExpiry = true;
            return this;
        }

        /**
         * @throws IllegalArgumentException naming the missing or invalid field (also for invalid values
         *     passed to the setters, which check at once)
         */
        public DisclosurePolicy build() {
            if (contacts.isEmpty()) {
                throw new IllegalArgumentException("contact is required (RFC 9116 2.5.3): a mailto: address or an https: URL");
            }
            if (expires == null) {
                throw new IllegalArgumentException("expires is required (RFC 9116 2.5.5)");
            }
            if (clock == null) {
                throw new IllegalArgumentException("clock must not be null");
            }
            Instant now = clock.instant();
            if (!expires.isAfter(now)) {
                throw new IllegalArgumentException("expires must be in the future (it is " + expires + ", now " + now + ")");
            }
            if (!allowLongExpiry && expires.isAfter(now.plus(RECOMMENDED_MAX_VALIDITY))) {
                throw new IllegalArgumentException("expires must be less than a year ahead (RFC 9116 2.5.5); "
                        + "call allowExpiryBeyondOneYear() to override");
            }
            expires = expires.truncatedTo(ChronoUnit.SECONDS);
            return new DisclosurePolicy(this);
        }

        static URI contact(String field, String value) {
            if (value != null && value.regionMatches(true, 0, "mailto:", 0, 7)) {
                checkChars(field, value);
                String address = value.substring(7);
                if (!MAILBOX.matcher(address).matches()) {
                    throw new IllegalArgumentException(field + " must be mailto: followed by one plain address "
                            + "(no headers, no second address)");
                }
                return URI.create("mailto:" + address);
            }
            return https(field, value);
        }

        static URI https(String field, String value) {
            checkChars(field, value);
            URI uri;
            try {
                uri = new URI(value);
            } catch (URISyntaxException e) {
                throw new IllegalArgumentException(field + " is not a valid URL: " + e.getReason());
            }
            if (!"https".equalsIgnoreCase(uri.getScheme())) {
                throw new IllegalArgumentException(field + " must be an https: URL");
            }
            if (uri.getHost() == null || uri.getHost().isEmpty()) {
                throw new IllegalArgumentException(field + " must name a host");
            }
            if (uri.getRawUserInfo() != null) {
                throw new IllegalArgumentException(field + " must not carry user information");
            }
            return uri;
        }

        private static void checkChars(String field, String value) {
            if (value == null || value.isEmpty()) {
                throw new IllegalArgumentException(field + " must not be empty");
            }
            if (value.length() > MAX_URI) {
                throw new IllegalArgumentException(field + " must be at most " + MAX_URI + " characters");
            }
            for (int i = 0; i < value.length(); i++) {
                char c = value.charAt(i);
                if (c <= 0x20 || c >= 0x7f) {
                    throw new IllegalArgumentException(field + " must not contain whitespace, line breaks, control or "
                            + "non-ASCII characters (percent-encode them)");
                }
            }
            if (ENCODED_CONTROL.matcher(value).find()) {
                throw new IllegalArgumentException(field + " must not contain percent-encoded control characters");
            }
        }

        static String language(String tag) {
            if (tag == null || tag.isEmpty() || tag.length() > 35) {
                throw new IllegalArgumentException("preferredLanguage must be a BCP 47 tag of 1 to 35 characters");
            }
            try {
                Locale l = new Locale.Builder().setLanguageTag(tag).build();
                if (l.getLanguage().isEmpty()) {
                    throw new IllegalArgumentException("preferredLanguage '" + tag + "' names no language");
                }
                return l.toLanguageTag();
            } catch (IllformedLocaleException e) {
                throw new IllegalArgumentException("preferredLanguage is not a well-formed BCP 47 tag");
            }
        }
    }
}
