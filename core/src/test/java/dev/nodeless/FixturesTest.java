package dev.nodeless;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nodeless.testing.Fixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class FixturesTest {

  @Test
  void fixturesMatchProvenanceHashes() throws IOException, NoSuchAlgorithmException {
    String provenance = Files.readString(Fixtures.path("PROVENANCE.md"));
    Matcher row =
        Pattern.compile("\\| `([^`]+)` \\| (\\d+) \\| `([0-9a-f]{64})` \\|").matcher(provenance);
    Map<String, String> expected = new LinkedHashMap<>();
    while (row.find()) {
      expected.put(row.group(1), row.group(3));
    }

    assertThat(expected.keySet()).containsExactlyInAnyOrderElementsOf(Fixtures.all());
    for (Map.Entry<String, String> entry : expected.entrySet()) {
      byte[] bytes = Files.readAllBytes(Fixtures.path(entry.getKey()));
      String actual = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
      assertThat(actual).as(entry.getKey()).isEqualTo(entry.getValue());
    }
  }

  @Test
  void everyFixtureParsesToAtLeastOnePod() {
    for (String name : Fixtures.all()) {
      assertThat(Fixtures.pods(name)).as(name).isNotEmpty();
    }
  }
}
