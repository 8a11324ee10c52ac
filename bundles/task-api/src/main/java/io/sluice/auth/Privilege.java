package io.sluice.auth;

/** What a role may do on the streams its pattern matches. */
public enum Privilege {
    /** See task status and lists; search the stream. */
    READ,
    /** Schedule, cancel and acknowledge tasks on the stream (implies {@link #READ}). */
    MANAGE
}
