/**
 * LiveKit access tokens: HS256 JWTs (RFC 7519, RFC 7515) with LiveKit's grant claims, built with
 * {@link io.osprey.protocol.auth.AccessToken} and checked with
 * {@link io.osprey.protocol.auth.TokenVerifier} against a {@link io.osprey.protocol.auth.KeyProvider}.
 */
package io.osprey.protocol.auth;
