package io.osprey.server.twirp;

import com.google.protobuf.Message;
import java.util.concurrent.CompletableFuture;

/** A Twirp service: {@code POST /twirp/<name>/<Method>}. */
public interface TwirpService {

  /** The fully qualified service name, e.g. {@code livekit.RoomService}. */
  String name();

  /** The request type of {@code method}, or null if the service has no such method. */
  Message requestPrototype(String method);

  /** Runs a method; fails with {@link TwirpException} for errors the client should see. */
  CompletableFuture<? extends Message> call(String method, Message request, TwirpCall call);
}
