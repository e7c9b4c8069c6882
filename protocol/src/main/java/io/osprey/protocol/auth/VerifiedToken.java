package io.osprey.protocol.auth;

import java.time.Instant;

/**
 * A token whose signature, algorithm, issuer and validity window have been checked.
 *
 * @param apiKey    the issuer ({@code iss}), i.e. the API key it was signed with
 * @param notBefore {@code nbf}, or null if absent
 */
public record VerifiedToken(String apiKey, ClaimGrants grants, Instant expiresAt, Instant notBefore) {}
