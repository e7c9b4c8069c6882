package io.osprey.server.routing;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

/** Registry entries come from Redis, written by any process that can reach it: parsing fails only with its typed error. */
class RegistryEntryFuzzTest {

  @FuzzTest(maxDuration = "10s")
  void registryEntriesParseOrFailTyped(FuzzedDataProvider data) {
    try {
      NodeInfo.parse(data.consumeRemainingAsString());
    } catch (MalformedNodeEntryException expected) {
      // the typed failure
    }
  }
}
