package io.osprey.bench.load;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.Shape;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Line2D;
import java.awt.geom.Path2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import javax.imageio.ImageIO;

/**
 * The plot of issue 7: server CPU per egress packet against subscriber count, from the JSON lines
 * {@code bench/loadtest.sh} printed and the floor {@code ForwardFloorBenchmark} measured (JMH's CSV
 * result file). One colour per server, filled marks for video loads, hollow for audio; a load's
 * rounds are averaged, the whisker spans them. Measurements the generator could not keep up with
 * (loss above {@value #MAX_LOSS_PERCENT}%) are left out: their CPU is divided by packets that were
 * sent but not counted. Headless Java2D, no dependencies.
 *
 * <pre>java -Djava.awt.headless=true -cp bench/target/benchmarks.jar io.osprey.bench.load.CpuPerPacketPlot
 *     out.png floor.csv results.jsonl...</pre>
 */
public final class CpuPerPacketPlot {
  static final double MAX_LOSS_PERCENT = 1.0;
  private static final int WIDTH = 1100;
  private static final int HEIGHT = 700;
  private static final int LEFT = 90;
  private static final int RIGHT = 250;
  private static final int TOP = 60;
  private static final int BOTTOM = 70;
  private static final double X_MIN = 1;
  private static final double X_MAX = 1000;
  private static final Map<String, Color> COLOURS = Map.of("osprey", new Color(0x1f77b4), "janus", new Color(0xd62728),
      "janus:1", new Color(0xff7f0e), "floor", new Color(0x555555));

  /** One load on one server: its rounds. */
  record Point(String server, boolean video, String label, double subscribers, List<Double> values) {
    double mean() {
      return values.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
    }
  }

  public static void main(String[] args) throws IOException {
    if (args.length < 3) {
      System.err.println("usage: CpuPerPacketPlot <out.png> <floor.csv> <results.jsonl>...");
      System.exit(2);
    }
    List<Path> files = new ArrayList<>();
    for (int i = 2; i < args.length; i++) {
      files.add(Path.of(args[i]));
    }
    List<Point> points = points(ResultLine.read(files));
    Map<String, List<Point>> floor = floor(Path.of(args[1]));
    BufferedImage image = draw(points, floor);
    ImageIO.write(image, "png", Path.of(args[0]).toFile());
    for (Point p : points) {
      System.out.printf(Locale.ROOT, "%-8s %-28s %5.0f subscribers  %6.1f µs %s%n", p.server(), p.label(),
          p.subscribers(), p.mean(), p.values());
    }
    floor.forEach((k, v) -> v.forEach(p -> System.out.printf(Locale.ROOT, "%-8s %-28s %5.0f fan-out      %6.1f µs%n",
        "floor", k, p.subscribers(), p.mean())));
  }

  static List<Point> points(List<ResultLine> lines) {
    Map<String, Point> byLoad = new LinkedHashMap<>();
    for (ResultLine r : lines) {
      double us = r.number("usPerEgressPacket");
      if (Double.isNaN(us) || r.number("lossPercent") > MAX_LOSS_PERCENT) {
        continue;
      }
      int vp = (int) r.number("videoPublishers");
      int ap = (int) r.number("audioPublishers");
      int subs = (int) r.number("subscribers");
      String label = vp > 0
          ? (vp == 1 ? "1 video" : vp + " video") + " (" + r.text("resolution") + ")" + (ap > 0 ? " + " + ap + " audio" : "")
          : (ap == 1 ? "1 audio" : ap + " audio");
      String key = r.text("server") + "|" + label + "|" + subs;
      byLoad.computeIfAbsent(key, k -> new Point(r.text("server"), vp > 0, label, subs, new ArrayList<>()))
          .values().add(us);
    }
    return new ArrayList<>(byLoad.values());
  }

  /** The floor by profile, from JMH's CSV: ns per egress packet at each fan-out, as µs. */
  static Map<String, List<Point>> floor(Path csv) throws IOException {
    List<String> lines = Files.readAllLines(csv);
    List<String> head = splitCsv(lines.get(0));
    int score = head.indexOf("Score");
    int unit = head.indexOf("Unit");
    int fan = head.indexOf("Param: fanOut");
    int profile = head.indexOf("Param: profile");
    int size = head.indexOf("Param: size");
    Map<String, List<Point>> out = new TreeMap<>();
    for (String l : lines.subList(1, lines.size())) {
      List<String> c = splitCsv(l);
      // rows named benchmark:metric are a profiler's secondary results (-prof gc), not times
      if (!c.get(0).contains("ForwardFloorBenchmark") || c.get(0).contains(":") || c.size() <= Math.max(score, fan)) {
        continue;
      }
      double us = Double.parseDouble(c.get(score)) / (c.get(unit).startsWith("ns") ? 1000.0 : 1.0);
      String key = c.get(profile) + (size >= 0 ? ", " + c.get(size) + " B" : "");
      out.computeIfAbsent(key, k -> new ArrayList<>())
          .add(new Point("floor", true, key, Double.parseDouble(c.get(fan)), List.of(us)));
    }
    out.values().forEach(v -> v.sort((a, b) -> Double.compare(a.subscribers(), b.subscribers())));
    return out;
  }

  private static List<String> splitCsv(String line) {
    List<String> out = new ArrayList<>();
    StringBuilder b = new StringBuilder();
    boolean quoted = false;
    for (char ch : line.toCharArray()) {
      if (ch == '"') {
        quoted = !quoted;
      } else if (ch == ',' && !quoted) {
        out.add(b.toString());
        b.setLength(0);
      } else {
        b.append(ch);
      }
    }
    out.add(b.toString());
    return out;
  }

  static BufferedImage draw(List<Point> points, Map<String, List<Point>> floor) {
    double yMax = 1;
    double yMin = 1e9;
    for (Point p : points) {
      for (double v : p.values()) {
        yMax = Math.max(yMax, v);
        yMin = Math.min(yMin, v);
      }
    }
    for (List<Point> f : floor.values()) {
      for (Point p : f) {
        yMax = Math.max(yMax, p.mean());
        yMin = Math.min(yMin, p.mean());
      }
    }
    double lo = Math.pow(10, Math.floor(Math.log10(Math.max(0.1, yMin))));
    double hi = Math.pow(10, Math.ceil(Math.log10(yMax)));
    Axis x = new Axis(X_MIN, X_MAX, LEFT, WIDTH - RIGHT);
    Axis y = new Axis(lo, hi, HEIGHT - BOTTOM, TOP);

    BufferedImage img = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, WIDTH, HEIGHT);
    Font font = new Font(Font.SANS_SERIF, Font.PLAIN, 13);
    g.setFont(font);

    // grid and ticks: 1, 2, 5 per decade
    for (double d = 1; d <= X_MAX; d *= 10) {
      for (int m : new int[] {1, 2, 5}) {
        double v = d * m;
        if (v > X_MAX) {
          break;
        }
        grid(g, x.at(v), TOP, x.at(v), HEIGHT - BOTTOM, m == 1);
        centered(g, format(v), x.at(v), HEIGHT - BOTTOM + 18);
      }
    }
    for (double d = lo; d <= hi * 1.001; d *= 10) {
      for (int m : new int[] {1, 2, 5}) {
        double v = d * m;
        if (v > hi * 1.001) {
          break;
        }
        grid(g, LEFT, y.at(v), WIDTH - RIGHT, y.at(v), m == 1);
        String s = format(v);
        g.setColor(Color.BLACK);
        g.drawString(s, LEFT - 8 - g.getFontMetrics().stringWidth(s), (float) y.at(v) + 5);
      }
    }
    g.setColor(Color.BLACK);
    g.draw(new Rectangle2D.Double(LEFT, TOP, WIDTH - RIGHT - LEFT, HEIGHT - BOTTOM - TOP));
    centered(g, "subscribers (each receiving every published track), log scale", (LEFT + WIDTH - RIGHT) / 2.0,
        HEIGHT - 25);
    Graphics2D r = (Graphics2D) g.create();
    r.rotate(-Math.PI / 2);
    centered(r, "server CPU per egress packet (µs), log scale", -(TOP + HEIGHT - BOTTOM) / 2.0, 28);
    r.dispose();
    g.setFont(font.deriveFont(Font.BOLD, 16f));
    centered(g, "Server CPU per egress packet: Osprey, Janus 1.1.2 and the floor", (LEFT + WIDTH - RIGHT) / 2.0, 30);
    g.setFont(font);

    // the floor: dashed lines
    int dash = 0;
    for (Map.Entry<String, List<Point>> f : floor.entrySet()) {
      g.setColor(COLOURS.get("floor"));
      float[] pattern = dash++ == 0 ? new float[] {8, 5} : new float[] {2, 4};
      g.setStroke(new BasicStroke(2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 1f, pattern, 0));
      Path2D line = new Path2D.Double();
      List<Point> ps = f.getValue();
      for (int i = 0; i < ps.size(); i++) {
        double px = x.at(ps.get(i).subscribers());
        double py = y.at(ps.get(i).mean());
        if (i == 0) {
          line.moveTo(px, py);
        } else {
          line.lineTo(px, py);
        }
      }
      g.draw(line);
    }

    // measurements: lines join one server's single-publisher loads of one kind
    Map<String, List<Point>> series = new LinkedHashMap<>();
    for (Point p : points) {
      if (p.label().startsWith("1 ")) {
        series.computeIfAbsent(p.server() + "|" + p.label(), k -> new ArrayList<>()).add(p);
      }
    }
    g.setStroke(new BasicStroke(1.5f));
    for (List<Point> s : series.values()) {
      s.sort((a, b) -> Double.compare(a.subscribers(), b.subscribers()));
      g.setColor(colour(s.get(0).server()));
      for (int i = 1; i < s.size(); i++) {
        g.draw(new Line2D.Double(x.at(s.get(i - 1).subscribers()), y.at(s.get(i - 1).mean()),
            x.at(s.get(i).subscribers()), y.at(s.get(i).mean())));
      }
    }
    Map<String, Integer> labelled = new LinkedHashMap<>();
    for (Point p : points) {
      Color c = colour(p.server());
      double px = x.at(p.subscribers());
      double min = p.values().stream().mapToDouble(Double::doubleValue).min().orElse(p.mean());
      double max = p.values().stream().mapToDouble(Double::doubleValue).max().orElse(p.mean());
      g.setColor(c);
      g.setStroke(new BasicStroke(1.2f));
      g.draw(new Line2D.Double(px, y.at(min), px, y.at(max)));
      mark(g, p.video(), px, y.at(p.mean()), c);
      if (!p.label().startsWith("1 ") && labelled.putIfAbsent(p.label() + p.subscribers(), 1) == null) {
        g.setColor(Color.DARK_GRAY);
        g.setFont(font.deriveFont(11f));
        g.drawString(p.label().replace(" (", "\n(").split("\n")[0], (float) px + 8, (float) y.at(p.mean()) - 6);
        g.setFont(font);
      }
    }

    // legend
    int lx = WIDTH - RIGHT + 20;
    int ly = TOP + 10;
    g.setColor(Color.BLACK);
    g.setFont(font.deriveFont(Font.BOLD));
    g.drawString("servers", lx, ly);
    g.setFont(font);
    ly += 22;
    List<String> servers = new ArrayList<>();
    for (Point p : points) {
      if (!servers.contains(p.server())) {
        servers.add(p.server());
      }
    }
    for (String s : servers) {
      g.setColor(colour(s));
      g.fill(new Rectangle2D.Double(lx, ly - 10, 22, 10));
      g.setColor(Color.BLACK);
      g.drawString(serverLabel(s), lx + 30, ly);
      ly += 20;
    }
    ly += 10;
    mark(g, true, lx + 11, ly - 5, Color.BLACK);
    g.setColor(Color.BLACK);
    g.drawString("video load", lx + 30, ly);
    ly += 20;
    mark(g, false, lx + 11, ly - 5, Color.BLACK);
    g.setColor(Color.BLACK);
    g.drawString("audio load", lx + 30, ly);
    ly += 20;
    g.drawString("lines: 1 publisher → N", lx, ly);
    ly += 16;
    g.drawString("whiskers: spread of rounds", lx, ly);
    ly += 26;
    g.setFont(font.deriveFont(Font.BOLD));
    g.drawString("floor (JMH)", lx, ly);
    g.setFont(font);
    ly += 20;
    dash = 0;
    for (String f : floor.keySet()) {
      float[] pattern = dash++ == 0 ? new float[] {8, 5} : new float[] {2, 4};
      g.setColor(COLOURS.get("floor"));
      g.setStroke(new BasicStroke(2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 1f, pattern, 0));
      g.draw(new Line2D.Double(lx, ly - 5, lx + 22, ly - 5));
      g.setColor(Color.BLACK);
      g.setFont(font.deriveFont(11f));
      g.drawString(f.replace("AES_CM_128_HMAC_SHA1_80", "AES-CM").replace("AEAD_AES_128_GCM", "AES-GCM"), lx + 30, ly);
      g.setFont(font);
      ly += 18;
    }
    g.setStroke(new BasicStroke(1f));
    ly += 10;
    g.setFont(font.deriveFont(11f));
    for (String s : new String[] {"server on one core, load", "generator on the other;", "runs with loss > 1% left out",
        "(the generator's limit)"}) {
      g.drawString(s, lx, ly);
      ly += 15;
    }
    g.dispose();
    return img;
  }

  private static String serverLabel(String s) {
    return switch (s) {
      case "osprey" -> "Osprey";
      case "janus" -> "Janus (thread per handle)";
      default -> s.startsWith("janus:") ? "Janus, event_loops = " + s.substring(6) : s;
    };
  }

  private static Color colour(String server) {
    Color c = COLOURS.get(server);
    return c != null ? c : new Color(0x2ca02c);
  }

  private static void mark(Graphics2D g, boolean video, double x, double y, Color c) {
    g.setColor(c);
    g.setStroke(new BasicStroke(2f));
    if (video) {
      Shape s = new Ellipse2D.Double(x - 5, y - 5, 10, 10);
      g.fill(s);
    } else {
      Path2D t = new Path2D.Double();
      t.moveTo(x, y - 6);
      t.lineTo(x + 6, y + 5);
      t.lineTo(x - 6, y + 5);
      t.closePath();
      g.setColor(Color.WHITE);
      g.fill(t);
      g.setColor(c);
      g.draw(t);
    }
  }

  private static void grid(Graphics2D g, double x0, double y0, double x1, double y1, boolean major) {
    g.setColor(major ? new Color(0xcccccc) : new Color(0xeeeeee));
    g.setStroke(new BasicStroke(1f));
    g.draw(new Line2D.Double(x0, y0, x1, y1));
  }

  private static void centered(Graphics2D g, String s, double x, double y) {
    FontMetrics m = g.getFontMetrics();
    g.setColor(Color.BLACK);
    g.drawString(s, (float) (x - m.stringWidth(s) / 2.0), (float) y);
  }

  private static String format(double v) {
    return v >= 1 ? String.format(Locale.ROOT, "%.0f", v) : String.format(Locale.ROOT, "%.1f", v);
  }

  /** A log-scale axis from {@code min..max} onto pixels {@code from..to}. */
  private record Axis(double min, double max, double from, double to) {
    double at(double v) {
      double t = (Math.log10(v) - Math.log10(min)) / (Math.log10(max) - Math.log10(min));
      return from + t * (to - from);
    }
  }
}
