package io.osprey.protocol;

import java.security.SecureRandom;

/**
 * LiveKit-style identifiers: a type prefix and 12 characters of the shortuuid base57 alphabet
 * ({@code RM_} rooms, {@code PA_} participants, {@code TR_} tracks, {@code ND_} nodes,
 * {@code EV_} webhook events). Random, thread-safe.
 */
public final class Guid {
  public static final String ROOM = "RM_";
  public static final String PARTICIPANT = "PA_";
  public static final String TRACK = "TR_";
  public static final String NODE = "ND_";
  public static final String EVENT = "EV_";

  private static final char[] ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz".toCharArray();
  private static final SecureRandom RANDOM = new SecureRandom();

  private Guid() {}

  /** A new identifier with {@code prefix}. */
  public static String next(String prefix) {
    char[] id = new char[12];
    for (int i = 0; i < id.length; i++) {
      id[i] = ALPHABET[RANDOM.nextInt(ALPHABET.length)];
    }
    return prefix + new String(id);
  }
}
