package io.osprey.transport.sctp;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.osprey.wire.WireFormatException;
import io.osprey.wire.dcep.DcepMessage;
import io.osprey.wire.sctp.SctpFormatException;
import io.osprey.wire.sctp.SctpPacket;
import java.util.SplittableRandom;

/** SCTP packets and DCEP messages come from the peer: only the typed errors may escape. */
class SctpFuzzTest {
  @FuzzTest(maxDuration = "10s")
  void fuzz(FuzzedDataProvider data) {
    SctpAssociation association = new SctpAssociation(SctpAssociation.Config.defaults(), new SplittableRandom(1));
    association.connect(0);
    while (data.remainingBytes() > 0) {
      byte[] bytes = data.consumeBytes(data.consumeInt(0, 1500));
      try {
        DcepMessage.parse(bytes);
      } catch (WireFormatException expected) {
        // typed
      }
      try {
        SctpPacket.parse(bytes, 0, bytes.length);
        association.handlePacket(bytes, 0, bytes.length, 0);
      } catch (SctpFormatException expected) {
        // typed
      }
      association.handleTimeout(data.consumeLong(0, 60_000_000_000L));
      while (association.poll() != null) {
        // drain
      }
    }
  }
}
