package io.osprey.transport.dtls;

import static org.assertj.core.api.Assertions.assertThat;

import io.osprey.transport.srtp.SrtpProfile;
import org.junit.jupiter.api.Test;

class SrtpNegotiationTest {
  private static int[] ids(SrtpProfile... profiles) {
    int[] ids = new int[profiles.length];
    for (int i = 0; i < profiles.length; i++) {
      ids[i] = profiles[i].id();
    }
    return ids;
  }

  @Test
  void browsersOfferingBothGetAesCm() { // Chromium lists the AEAD profiles first
    int[] chromium = ids(SrtpProfile.AEAD_AES_256_GCM, SrtpProfile.AEAD_AES_128_GCM,
        SrtpProfile.AES_CM_128_HMAC_SHA1_80, SrtpProfile.AES_CM_128_HMAC_SHA1_32);
    assertThat(SrtpNegotiation.choose(chromium)).isEqualTo(SrtpProfile.AES_CM_128_HMAC_SHA1_80.id());
  }

  @Test
  void aPeerOfferingOnlyGcmGetsGcm() {
    assertThat(SrtpNegotiation.choose(ids(SrtpProfile.AEAD_AES_256_GCM, SrtpProfile.AEAD_AES_128_GCM)))
        .isEqualTo(SrtpProfile.AEAD_AES_128_GCM.id());
    assertThat(SrtpNegotiation.choose(ids(SrtpProfile.AEAD_AES_256_GCM))).isEqualTo(SrtpProfile.AEAD_AES_256_GCM.id());
  }

  @Test
  void nothingInCommonIsRefused() {
    assertThat(SrtpNegotiation.choose(new int[] {0x0099})).isEqualTo(-1);
    assertThat(SrtpNegotiation.choose(new int[0])).isEqualTo(-1);
  }

  @Test
  void weOfferEveryProfileWeSpeak() {
    assertThat(SrtpNegotiation.offered()).containsExactly(ids(SrtpProfile.AES_CM_128_HMAC_SHA1_80,
        SrtpProfile.AEAD_AES_128_GCM, SrtpProfile.AEAD_AES_256_GCM, SrtpProfile.AES_CM_128_HMAC_SHA1_32));
  }
}
