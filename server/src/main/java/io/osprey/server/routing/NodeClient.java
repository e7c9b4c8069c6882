package io.osprey.server.routing;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.osprey.protocol.auth.AccessToken;
import io.osprey.protocol.auth.ClaimGrants;
import io.osprey.protocol.json.MalformedJsonException;
import io.osprey.protocol.json.ProtoJson;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * The node-to-node call path: a RoomService call forwarded to the room's owner is a plain Twirp
 * request (protobuf) to the owner's HTTP address from the registry, carrying the caller's grants
 * in a fresh one-minute token signed with one of the cluster's API keys (every node has the same
 * keys, as in livekit), and marked {@link #FORWARDED_BY} so the owner answers it itself.
 * Every call is bounded: {@link #CONNECT_TIMEOUT} to connect, {@link #CALL_TIMEOUT} in all; a node
 * that does not answer in time, or refuses the connection, is a Twirp {@code unavailable} error
 * naming it.
 */
public final class NodeClient {
  /**
   * The header a forwarded call carries (value: the forwarding node's id). The owner answers such
   * a call itself and never forwards it again, so a stale placement cannot bounce a call between
   * nodes; the header only narrows what a call may do, so a client setting it gains nothing.
   */
  public static final String FORWARDED_BY = "X-Osprey-Forwarded-By";

  public static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);
  public static final Duration CALL_TIMEOUT = Duration.ofSeconds(5);

  private final String selfId;
  private final String apiKey;
  private final String apiSecret;
  private final HttpClient http;

  /**
   * @param selfId this node's id, sent with each call
   * @param keys   the cluster's API keys; the first signs forwarded calls
   */
  public NodeClient(String selfId, Map<String, String> keys) {
    if (keys.isEmpty()) {
      throw new IllegalArgumentException("forwarding needs an API key");
    }
    this.selfId = selfId;
    var key = keys.entrySet().stream().sorted(Map.Entry.comparingByKey()).findFirst().orElseThrow();
    this.apiKey = key.getKey();
    this.apiSecret = key.getValue();
    this.http = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT).version(HttpClient.Version.HTTP_1_1).build();
  }

  /** The node as a call target. */
  public RemoteNode node(NodeInfo info) {
    return new RemoteNode() {
      @Override
      public NodeInfo info() {
        return info;
      }

      @Override
      public <M extends Message> CompletableFuture<M> callRoomService(String method, Message request,
          ClaimGrants grants, M responseType) {
        return call(info, "livekit.RoomService", method, request, grants, responseType);
      }
    };
  }

  /** A one-minute token with {@code grants}, for a call to another node. */
  private String token(ClaimGrants grants) {
    return AccessToken.of(apiKey, apiSecret, grants).validFor(Duration.ofMinutes(1)).toJwt();
  }

  private <M extends Message> CompletableFuture<M> call(NodeInfo node, String service, String method, Message request,
      ClaimGrants grants, M responseType) {
    URI uri = node.httpUrl().resolve("/twirp/" + service + "/" + method);
    HttpRequest http = HttpRequest.newBuilder(uri).timeout(CALL_TIMEOUT)
        .header("Content-Type", "application/protobuf")
        .header("Authorization", "Bearer " + token(grants))
        .header(FORWARDED_BY, selfId)
        .POST(HttpRequest.BodyPublishers.ofByteArray(request.toByteArray()))
        .build();
    return this.http.sendAsync(http, HttpResponse.BodyHandlers.ofByteArray())
        .handle((response, error) -> {
          if (error != null) {
            throw new CompletionException(unreachable(node, error));
          }
          return answer(node, response, responseType);
        });
  }

  @SuppressWarnings("unchecked")
  private static <M extends Message> M answer(NodeInfo node, HttpResponse<byte[]> response, M responseType) {
    if (response.statusCode() == 200) {
      try {
        return (M) responseType.getParserForType().parseFrom(response.body());
      } catch (InvalidProtocolBufferException e) {
        throw new CompletionException(new RoutingException("internal",
            "node " + node.id() + " answered a malformed " + responseType.getDescriptorForType().getName(),
            Map.of("node_id", node.id())));
      }
    }
    throw new CompletionException(twirpError(node, response));
  }

  /** The owner's Twirp error as this node's, so the client sees the owner's code and message. */
  private static RoutingException twirpError(NodeInfo node, HttpResponse<byte[]> response) {
    String body = new String(response.body(), StandardCharsets.UTF_8);
    try {
      Struct error = ProtoJson.parseObject(body);
      Value code = error.getFieldsMap().get("code");
      Value msg = error.getFieldsMap().get("msg");
      if (code != null && code.hasStringValue() && msg != null && msg.hasStringValue()) {
        return new RoutingException(code.getStringValue(), msg.getStringValue(), Map.of());
      }
    } catch (MalformedJsonException e) {
      // not a Twirp error (a plain-text 401, a proxy's page): reported below
    }
    return new RoutingException("unavailable", "node " + node.id() + " answered HTTP "
        + response.statusCode() + ": " + body.lines().findFirst().orElse(""), Map.of("node_id", node.id()));
  }

  private static RoutingException unreachable(NodeInfo node, Throwable error) {
    Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    String why = cause instanceof HttpTimeoutException ? "no answer within " + CALL_TIMEOUT.toSeconds() + " s"
        : cause.getMessage() != null ? cause.getMessage()
        : cause instanceof java.net.ConnectException ? "cannot connect"
        : cause.getClass().getSimpleName();
    String message = "the room's node " + node.id() + " (" + node.httpUrl() + ") is unreachable: " + why;
    // a refused or timed-out connection never delivered the call; a call without an answer may have
    boolean neverReached = cause instanceof java.net.ConnectException
        || cause instanceof java.net.http.HttpConnectTimeoutException;
    return neverReached ? RoutingException.unreachable(message, node.id())
        : new RoutingException("unavailable", message, Map.of("node_id", node.id()));
  }
}
