package io.osprey.transport.dtls;

import com.code_intelligence.jazzer.junit.FuzzTest;

/** Every DTLS datagram passes the guard first: it must never throw, whatever the bytes. */
class DtlsRecordGuardFuzzTest {
  private static final DtlsRecordGuard GUARD = new DtlsRecordGuard(DtlsRecordGuard.DEFAULT_MAX_HANDSHAKE_MESSAGE);

  @FuzzTest(maxDuration = "10s")
  void fuzz(byte[] data) {
    GUARD.check(data, 0, data.length);
  }
}
