package io.osprey.transport.io;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;

/**
 * The socket implementation for this host: Linux epoll where the native library loads (with
 * {@code recvmmsg} batching for UDP, and one flush per batch of writes so {@code sendmmsg} can
 * batch too), NIO elsewhere. Event loop groups and channels must come from the same choice.
 */
public record NativeTransport(boolean epoll) {
  /** Batch size for recvmmsg: datagrams read per system call. */
  private static final int MAX_DATAGRAM = 1500;

  /** epoll if available, else NIO. */
  public static NativeTransport detect() {
    return new NativeTransport(Epoll.isAvailable());
  }

  public EventLoopGroup newGroup(int threads) {
    return new MultiThreadIoEventLoopGroup(threads, epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
  }

  /** A group whose threads come from {@code threads} (e.g. daemon threads for a client library). */
  public EventLoopGroup newGroup(int threads, java.util.concurrent.ThreadFactory factory) {
    return new MultiThreadIoEventLoopGroup(threads, factory,
        epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
  }

  public Class<? extends DatagramChannel> datagramChannel() {
    return epoll ? EpollDatagramChannel.class : NioDatagramChannel.class;
  }

  /** The TCP server channel of this transport (ICE-TCP). */
  public Class<? extends io.netty.channel.ServerChannel> serverChannel() {
    return epoll ? io.netty.channel.epoll.EpollServerSocketChannel.class
        : io.netty.channel.socket.nio.NioServerSocketChannel.class;
  }

  /** The TCP client channel of this transport (a client's signal WebSocket). */
  public Class<? extends io.netty.channel.socket.SocketChannel> socketChannel() {
    return epoll ? io.netty.channel.epoll.EpollSocketChannel.class
        : io.netty.channel.socket.nio.NioSocketChannel.class;
  }

  /** Applies the transport's UDP options to a bootstrap. */
  void configure(Bootstrap b) {
    if (epoll) {
      b.option(EpollChannelOption.MAX_DATAGRAM_PAYLOAD_SIZE, MAX_DATAGRAM); // enables recvmmsg
    }
  }
}
