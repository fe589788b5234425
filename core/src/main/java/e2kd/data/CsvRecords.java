package e2kd.data;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import e2kd.io.E2kdIoException;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The records of a CSV file, read with jackson-dataformat-csv (RFC 4180: fields in double quotes
 * may hold commas, quotes written twice and line breaks), each with the line it starts on. Fields
 * are trimmed, empty lines skipped and a leading byte-order mark dropped.
 */
final class CsvRecords {
    private static final CsvMapper MAPPER = CsvMapper.builder()
            .enable(CsvParser.Feature.TRIM_SPACES)
            .enable(CsvParser.Feature.SKIP_EMPTY_LINES)
            .build();

    private CsvRecords() {}

    /** One record: its 1-based starting line and its fields. */
    record Row(int line, List<String> fields) {}

    /**
     * Reads every record of {@code file}.
     *
     * @throws E2kdDataException one line naming the file (and line) when it cannot be read or is
     *     not valid CSV (e.g. an unclosed quote)
     */
    static List<Row> read(Path file) {
        List<Row> rows = new ArrayList<>();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8);
                JsonParser parser = MAPPER.createParser(reader)) {
            List<String> fields = null;
            int line = -1;
            while (true) {
                JsonToken token;
                try {
                    token = parser.nextToken();
                } catch (IOException | RuntimeException e) {
                    throw new E2kdDataException(
                            file + " line " + parser.currentLocation().getLineNr() + ": not valid CSV (" + firstLine(e)
                                    + ")",
                            e);
                }
                if (token == null) {
                    break;
                } else if (token == JsonToken.START_ARRAY) {
                    fields = new ArrayList<>();
                    line = -1;
                } else if (token == JsonToken.VALUE_STRING) {
                    if (line < 0) {
                        line = parser.currentTokenLocation().getLineNr();
                    }
                    String text = parser.getText();
                    fields.add(
                            rows.isEmpty() && fields.isEmpty()
                                    ? text.replace("\uFEFF", "").strip()
                                    : text);
                } else if (token == JsonToken.END_ARRAY && fields != null) {
                    if (!fields.isEmpty()) {
                        rows.add(new Row(line, List.copyOf(fields)));
                    }
                    fields = null;
                }
            }
        } catch (IOException e) {
            throw new E2kdDataException(file + ": cannot read (" + E2kdIoException.reason(e) + ")", e);
        }
        return rows;
    }

    private static String firstLine(Exception e) {
        String m = String.valueOf(e.getMessage());
        return m.lines().findFirst().orElse(m);
    }
}
