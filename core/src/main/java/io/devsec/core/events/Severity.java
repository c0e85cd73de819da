package io.devsec.core.events;

/** How much a security event or alert matters, from least to most. */
public enum Severity {
    /** Expected and benign; kept for context (an update installed). */
    INFO,
    /** Worth noticing; harmless alone (a lost connection). */
    NOTICE,
    /** A refused attempt or a failed check (a failed login, a refused peer). */
    WARNING,
    /** An attack indicator or loss of integrity (a bad signature, a rollback attempt). */
    CRITICAL
}
