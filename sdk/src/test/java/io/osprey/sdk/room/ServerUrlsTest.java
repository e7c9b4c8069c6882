package io.osprey.sdk.room;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.Test;

class ServerUrlsTest {
  private static final URI A = URI.create("ws://a:7880");
  private static final URI B = URI.create("ws://b:7880");
  private static final URI C = URI.create("ws://c:7880");

  @Test
  void startsAtTheUrlGivenThenTheFallbacksInOrderWithoutRepeats() {
    ServerUrls urls = new ServerUrls(A, List.of(B, A, C));
    assertThat(urls.current()).isEqualTo(A);
    assertThat(urls.all()).containsExactly(A, B, C);
  }

  @Test
  void anUnreachableUrlGoesToTheBackAndTheNextIsTriedInTheSameAttempt() {
    ServerUrls urls = new ServerUrls(A, List.of(B, C));
    urls.beginAttempt();
    assertThat(urls.unreachable(A)).isTrue();
    assertThat(urls.current()).isEqualTo(B);
    assertThat(urls.all()).containsExactly(B, C, A);
  }

  @Test
  void anAttemptTriesEachUrlOnceThenEndsAndTheNextBeginsWhereItStopped() {
    ServerUrls urls = new ServerUrls(A, List.of(B));
    urls.beginAttempt();
    assertThat(urls.unreachable(A)).isTrue();
    assertThat(urls.unreachable(B)).as("both tried: the attempt fails, the back-off follows").isFalse();
    assertThat(urls.current()).isEqualTo(A);
    urls.beginAttempt();
    assertThat(urls.unreachable(A)).isTrue();
    assertThat(urls.current()).isEqualTo(B);
  }

  @Test
  void aUrlThatAnsweredKeepsItsPlaceForTheNextAttempt() {
    ServerUrls urls = new ServerUrls(A, List.of(B));
    urls.beginAttempt();
    urls.unreachable(A); // A died; B answers, refusing for now (the attempt fails without unreachable())
    urls.beginAttempt();
    assertThat(urls.current()).as("the dead node is not tried first again").isEqualTo(B);
  }

  @Test
  void aLateReportAboutAnotherUrlChangesNothing() {
    ServerUrls urls = new ServerUrls(A, List.of(B));
    urls.beginAttempt();
    assertThat(urls.unreachable(B)).isFalse();
    assertThat(urls.all()).containsExactly(A, B);
  }

  @Test
  void aSingleUrlEndsTheAttemptAtOnce() {
    ServerUrls urls = new ServerUrls(A, List.of());
    urls.beginAttempt();
    assertThat(urls.unreachable(A)).isFalse();
    assertThat(urls.current()).isEqualTo(A);
  }

  @Test
  void suggestionsOfAServerGoingAwayComeFirst() {
    ServerUrls urls = new ServerUrls(A, List.of(B));
    urls.suggest(List.of(C, B));
    assertThat(urls.all()).containsExactly(C, B, A);
  }
}
