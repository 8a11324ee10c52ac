package io.sluice.benchmarks.peers;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.imageio.ImageIO;

/**
 * The peers benchmark's table: one row per figure, one column per system, and Sluice's ratio to each peer. Printed,
 * and written as JSON and as a PNG chart (each row's bars scaled to its largest value).
 */
final class ResultTable {

    /** One cell: a figure, or a sentence where there is none ("not supported by this system"). */
    record Cell(Double value, String text) {
        static Cell of(double value, String format) {
            return new Cell(value, String.format(Locale.ROOT, format, value));
        }

        static Cell none(String why) {
            return new Cell(null, why);
        }
    }

    /** One figure for every system. */
    record Row(String figure, String unit, boolean higherIsBetter, Map<String, Cell> cells) {
    }

    private final List<String> systems;
    private final List<Row> rows = new ArrayList<>();
    private final Map<String, String> context = new LinkedHashMap<>();

    ResultTable(List<String> systems) {
        this.systems = systems;
    }

    void context(String key, String value) {
        context.put(key, value);
    }

    void add(String figure, String unit, boolean higherIsBetter, Map<String, Cell> cells) {
        rows.add(new Row(figure, unit, higherIsBetter, cells));
    }

    private String ratio(Row row, String peer) {
        Cell sluice = row.cells().get(systems.get(0));
        Cell other = row.cells().get(peer);
        if (sluice == null || other == null || sluice.value() == null || other.value() == null || other.value() == 0) {
            return "-";
        }
        return String.format(Locale.ROOT, "x%.2f", sluice.value() / other.value());
    }

    String render() {
        List<String> header = new ArrayList<>(List.of("figure"));
        header.addAll(systems);
        for (String peer : systems.subList(1, systems.size())) {
            header.add(systems.get(0) + "/" + peer);
        }
        List<List<String>> lines = new ArrayList<>();
        lines.add(header);
        for (Row row : rows) {
            List<String> line = new ArrayList<>();
            line.add(row.figure() + " (" + row.unit() + ", " + (row.higherIsBetter() ? "higher" : "lower") + " is better)");
            for (String system : systems) {
                Cell cell = row.cells().get(system);
                line.add(cell == null ? "-" : cell.text());
            }
            for (String peer : systems.subList(1, systems.size())) {
                line.add(ratio(row, peer));
            }
            lines.add(line);
        }
        StringBuilder out = new StringBuilder();
        for (List<String> line : lines) {
            out.append("| ").append(String.join(" | ", line)).append(" |\n");
            if (line == header) {
                out.append("|").append("---|".repeat(header.size())).append("\n");
            }
        }
        return out.toString();
    }

    void write(Path directory, String name) throws IOException {
        Files.createDirectories(directory);
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("context", context);
        json.put("systems", systems);
        List<Map<String, Object>> rowList = new ArrayList<>();
        for (Row row : rows) {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("figure", row.figure());
            r.put("unit", row.unit());
            r.put("higher_is_better", row.higherIsBetter());
            Map<String, Object> values = new LinkedHashMap<>();
            for (String system : systems) {
                Cell cell = row.cells().get(system);
                values.put(system, cell == null ? null : cell.value() != null ? cell.value() : cell.text());
            }
            r.put("values", values);
            rowList.add(r);
        }
        json.put("rows", rowList);
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(directory.resolve(name + ".json").toFile(), json);
        ImageIO.write(chart(), "png", directory.resolve(name + ".png").toFile());
    }

    private BufferedImage chart() {
        System.setProperty("java.awt.headless", "true");
        int rowHeight = 18 * systems.size() + 26;
        int width = 1100;
        BufferedImage image = new BufferedImage(width, 40 + rowHeight * rows.size(), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, image.getWidth(), image.getHeight());
        Color[] colors = {new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x2ca02c), new Color(0x9467bd)};
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
        g.setColor(Color.BLACK);
        g.drawString("Sluice and its peers (each row scaled to its largest value)", 10, 22);
        int y = 40;
        for (Row row : rows) {
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 12));
            g.setColor(Color.BLACK);
            g.drawString(row.figure() + " (" + row.unit() + ", " + (row.higherIsBetter() ? "higher" : "lower") + " is better)", 10, y + 12);
            double max = row.cells().values().stream().filter(c -> c.value() != null).mapToDouble(Cell::value).max().orElse(1);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
            for (int i = 0; i < systems.size(); i++) {
                Cell cell = row.cells().get(systems.get(i));
                int barY = y + 18 + i * 18;
                g.setColor(Color.DARK_GRAY);
                g.drawString(systems.get(i), 20, barY + 11);
                if (cell != null && cell.value() != null && max > 0) {
                    int length = (int) Math.round(600 * cell.value() / max);
                    g.setColor(colors[i % colors.length]);
                    g.fillRect(130, barY, Math.max(1, length), 13);
                    g.setColor(Color.BLACK);
                    g.drawString(cell.text(), 140 + length, barY + 11);
                } else {
                    g.setColor(Color.GRAY);
                    g.drawString(cell == null ? "-" : cell.text(), 130, barY + 11);
                }
            }
            y += rowHeight;
        }
        g.dispose();
        return image;
    }
}
