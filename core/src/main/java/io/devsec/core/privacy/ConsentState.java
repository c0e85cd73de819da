package io.devsec.core.privacy;

/** Where the consumer stands on one {@link Purpose}. */
public enum ConsentState {
    /** The consumer has not decided yet: personal data for this purpose is held back, not sent. */
    NOT_GIVEN,
    /** The consumer consented: personal data for this purpose may be processed. */
    GRANTED,
    /** The consumer withdrew consent: personal data for this purpose is dropped. */
    WITHDRAWN
}
