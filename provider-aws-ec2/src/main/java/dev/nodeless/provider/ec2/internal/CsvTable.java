package dev.nodeless.provider.ec2.internal;

import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A CSV file with a header line, read into rows keyed by column name. */
final class CsvTable {
  private static final CsvMapper MAPPER =
      CsvMapper.builder().enable(CsvParser.Feature.TRIM_SPACES).build();

  /** One data row; {@code line} is its 1-based line number in the file, for messages. */
  record Row(String origin, int line, Map<String, String> cells) {

    Optional<String> optional(String column) {
      String value = cells.get(column);
      return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.trim());
    }

    String text(String column) {
      return optional(column).orElseThrow(() -> invalid(column, "is missing"));
    }

    int integer(String column) {
      String value = text(column);
      try {
        return Integer.parseInt(value);
      } catch (NumberFormatException e) {
        throw invalid(column, "\"" + value + "\" is not a whole number");
      }
    }

    Optional<BigDecimal> optionalDecimal(String column) {
      return optional(column).map(value -> decimal(column, value));
    }

    BigDecimal decimal(String column) {
      return decimal(column, text(column));
    }

    private BigDecimal decimal(String column, String value) {
      try {
        return new BigDecimal(value);
      } catch (NumberFormatException e) {
        throw invalid(column, "\"" + value + "\" is not a number");
      }
    }

    IllegalArgumentException invalid(String column, String problem) {
      return new IllegalArgumentException(
          origin + " line " + line + ": column " + column + " " + problem);
    }
  }

  private CsvTable() {}

  /**
   * Reads every row.
   *
   * @throws IllegalArgumentException naming the origin when a required column is absent or the file
   *     is not CSV
   */
  static List<Row> read(InputStream in, String origin, List<String> requiredColumns) {
    CsvSchema schema = CsvSchema.emptySchema().withHeader();
    List<Row> rows = new ArrayList<>();
    try (MappingIterator<Map<String, String>> it =
        MAPPER.readerForMapOf(String.class).with(schema).readValues(in)) {
      while (it.hasNextValue()) {
        Map<String, String> cells = it.nextValue();
        // The header is line 1; cells never span lines in these tables.
        int line = rows.size() + 2;
        if (rows.isEmpty()) {
          for (String column : requiredColumns) {
            if (!cells.containsKey(column)) {
              throw new IllegalArgumentException(
                  origin
                      + ": the header has no column "
                      + column
                      + "; expected "
                      + requiredColumns);
            }
          }
        }
        rows.add(new Row(origin, line, cells));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + origin + ": " + e.getMessage(), e);
    } catch (RuntimeException e) {
      if (e instanceof IllegalArgumentException) {
        throw e;
      }
      throw new IllegalArgumentException(
          origin + " is not a valid CSV table: " + e.getMessage(), e);
    }
    return rows;
  }
}
