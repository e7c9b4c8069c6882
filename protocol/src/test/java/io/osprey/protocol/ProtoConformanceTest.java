package io.osprey.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.EnumDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.util.JsonFormat;
import io.osprey.protocol.livekit.LivekitModels;
import io.osprey.protocol.livekit.LivekitRoom;
import io.osprey.protocol.livekit.LivekitRtc;
import io.osprey.protocol.livekit.LivekitWebhook;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Our .proto files against LiveKit's own generated classes (io.livekit:livekit-server, test scope
 * only): every message and enum we define exists there under the same full name, with the same
 * fields (name, number, type, label, referenced type, oneof) and enum values. Fields we leave out
 * must be reserved on our side, so we can never reuse their numbers by mistake.
 */
class ProtoConformanceTest {
  private static final List<FileDescriptor> OURS = List.of(LivekitModels.getDescriptor(),
      LivekitRoom.getDescriptor(), LivekitRtc.getDescriptor(), LivekitWebhook.getDescriptor());
  private static final List<FileDescriptor> THEIRS = List.of(livekit.LivekitModels.getDescriptor(),
      livekit.LivekitRoom.getDescriptor(), livekit.LivekitRtc.getDescriptor(), livekit.LivekitWebhook.getDescriptor(),
      livekit.LivekitAgentDispatch.getDescriptor());

  private static final Map<String, Descriptor> theirMessages = new HashMap<>();
  private static final Map<String, EnumDescriptor> theirEnums = new HashMap<>();

  static {
    for (FileDescriptor f : THEIRS) {
      f.getMessageTypes().forEach(ProtoConformanceTest::indexMessage);
      f.getEnumTypes().forEach(e -> theirEnums.put(e.getFullName(), e));
    }
  }

  private static void indexMessage(Descriptor d) {
    theirMessages.put(d.getFullName(), d);
    d.getNestedTypes().forEach(ProtoConformanceTest::indexMessage);
    d.getEnumTypes().forEach(e -> theirEnums.put(e.getFullName(), e));
  }

  @Test
  void everyMessageMatchesLiveKitsFieldForField() {
    List<String> problems = new ArrayList<>();
    int checked = 0;
    for (FileDescriptor f : OURS) {
      for (Descriptor d : allMessages(f)) {
        checked++;
        Descriptor theirs = theirMessages.get(d.getFullName());
        if (theirs == null) {
          problems.add("no such message in LiveKit: " + d.getFullName());
          continue;
        }
        for (FieldDescriptor ours : d.getFields()) {
          FieldDescriptor t = theirs.findFieldByNumber(ours.getNumber());
          if (t == null) {
            problems.add(d.getFullName() + "." + ours.getName() + " #" + ours.getNumber() + " absent in LiveKit");
          } else if (!describe(t).equals(describe(ours))) {
            problems.add(d.getFullName() + " #" + ours.getNumber() + ": ours " + describe(ours) + ", theirs " + describe(t));
          }
        }
        for (FieldDescriptor t : theirs.getFields()) {
          if (d.findFieldByNumber(t.getNumber()) == null && !d.isReservedNumber(t.getNumber())) {
            problems.add(d.getFullName() + " lacks #" + t.getNumber() + " " + t.getName() + " and does not reserve it");
          }
        }
      }
    }
    assertThat(problems).isEmpty();
    assertThat(checked).isGreaterThan(100);
  }

  @Test
  void everyEnumMatchesLiveKitsValues() {
    List<String> problems = new ArrayList<>();
    for (FileDescriptor f : OURS) {
      for (EnumDescriptor e : allEnums(f)) {
        EnumDescriptor theirs = theirEnums.get(e.getFullName());
        if (theirs == null) {
          problems.add("no such enum in LiveKit: " + e.getFullName());
          continue;
        }
        List<String> ourValues = e.getValues().stream().map(v -> v.getName() + "=" + v.getNumber()).sorted().toList();
        List<String> theirValues = theirs.getValues().stream().map(v -> v.getName() + "=" + v.getNumber()).sorted().toList();
        if (!ourValues.equals(theirValues)) {
          problems.add(e.getFullName() + ": ours " + ourValues + ", theirs " + theirValues);
        }
      }
    }
    assertThat(problems).isEmpty();
  }

  @Test
  void signalMessagesCrossBetweenTheTwoImplementationsInBinaryAndJson() throws Exception {
    livekit.LivekitRtc.SignalResponse theirs = livekit.LivekitRtc.SignalResponse.newBuilder()
        .setJoin(livekit.LivekitRtc.JoinResponse.newBuilder()
            .setRoom(livekit.LivekitModels.Room.newBuilder().setSid("RM_abc").setName("r").setCreationTimeMs(17))
            .setParticipant(livekit.LivekitModels.ParticipantInfo.newBuilder().setSid("PA_x").setIdentity("alice")
                .setState(livekit.LivekitModels.ParticipantInfo.State.ACTIVE).putAttributes("k", "v"))
            .setServerInfo(livekit.LivekitModels.ServerInfo.newBuilder().setVersion("1.9.0").setProtocol(16))
            .setPingInterval(5).setPingTimeout(15).setSubscriberPrimary(true))
        .build();
    LivekitRtc.SignalResponse ours = LivekitRtc.SignalResponse.parseFrom(theirs.toByteArray());
    assertThat(ours.getJoin().getParticipant().getAttributesMap()).containsEntry("k", "v");
    assertThat(ours.getJoin().getServerInfo().getVersion()).isEqualTo("1.9.0");
    assertThat(ours.toByteArray()).isEqualTo(theirs.toByteArray());

    String json = JsonFormat.printer().print(theirs);
    LivekitRtc.SignalResponse.Builder fromJson = LivekitRtc.SignalResponse.newBuilder();
    JsonFormat.parser().merge(json, fromJson);
    assertThat(fromJson.build()).isEqualTo(ours);
    assertThat(JsonFormat.printer().print(ours)).isEqualTo(json);
  }

  private static String describe(FieldDescriptor f) {
    String type = switch (f.getJavaType()) {
      case MESSAGE -> f.getMessageType().getFullName();
      case ENUM -> f.getEnumType().getFullName();
      default -> f.getType().name();
    };
    String oneof = f.getRealContainingOneof() == null ? "" : " oneof " + f.getRealContainingOneof().getName();
    return f.getName() + " " + (f.isRepeated() ? "repeated " : "") + (f.hasPresence() && !f.isRepeated() ? "optional " : "")
        + type + oneof;
  }

  private static List<Descriptor> allMessages(FileDescriptor f) {
    List<Descriptor> out = new ArrayList<>();
    f.getMessageTypes().forEach(d -> collect(d, out));
    return out;
  }

  private static void collect(Descriptor d, List<Descriptor> out) {
    if (d.getOptions().getMapEntry()) {
      return;
    }
    out.add(d);
    d.getNestedTypes().forEach(n -> collect(n, out));
  }

  private static List<EnumDescriptor> allEnums(FileDescriptor f) {
    List<EnumDescriptor> out = new ArrayList<>(f.getEnumTypes());
    for (Descriptor d : allMessages(f)) {
      out.addAll(d.getEnumTypes());
    }
    return out;
  }

}
