package io.osprey.server.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import org.junit.jupiter.api.Test;

/** Registry entries: what a node writes reads back the same, and what does not parse is a typed error. */
class NodeInfoTest {
  private static final NodeInfo NODE = new NodeInfo("ND_one", URI.create("http://10.0.0.5:7880"), "10.0.0.5", "eu",
      NodeState.SERVING, new NodeStats(3, 17, 0.25, 0.5, 1_700_000_000_123L), "1.9.0-osprey");

  @Test
  void anEntryReadsBackAsWritten() throws MalformedNodeEntryException {
    String json = NODE.toJson();
    assertThat(json).contains("\"id\":\"ND_one\"", "\"http_url\":\"http://10.0.0.5:7880\"", "\"state\":\"serving\"",
        "\"rooms\":3", "\"participants\":17");
    assertThat(NodeInfo.parse(json)).isEqualTo(NODE);
    for (NodeState state : NodeState.values()) {
      assertThat(NodeInfo.parse(NODE.with(state, NODE.stats()).toJson()).state()).isEqualTo(state);
    }
  }

  @Test
  void entriesThatDoNotParseAreTypedErrors() {
    String good = NODE.toJson();
    String[][] bad = {
        {"", "not JSON"},
        {"[1,2]", "not JSON"},
        {"{not json", "not JSON"},
        {good.replace("\"id\":\"ND_one\",", ""), "id missing"},
        {good.replace("\"ND_one\"", "7"), "id missing or not a string"},
        {good.replace("http://10.0.0.5:7880", "ftp://10.0.0.5:7880"), "http_url must be an http://host:port URL"},
        {good.replace("http://10.0.0.5:7880", "http://10.0.0.5"), "http_url must be an http://host:port URL"},
        {good.replace("http://10.0.0.5:7880", "http://[bad"), "http_url is not a URL"},
        {good.replace("\"serving\"", "\"asleep\""), "unknown state asleep"},
        {good.replace("\"rooms\":3", "\"rooms\":\"3\""), "stats.rooms missing or not a number"},
        {good.replace("\"participants\":17", "\"participants\":-1"), "negative counts"},
        {good.substring(0, good.indexOf(",\"stats\"")) + "}", "stats missing"},
    };
    for (String[] c : bad) {
      assertThatThrownBy(() -> NodeInfo.parse(c[0])).as(c[0]).isInstanceOf(MalformedNodeEntryException.class)
          .hasMessageContaining(c[1]);
    }
  }
}
