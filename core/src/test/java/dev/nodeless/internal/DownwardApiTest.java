package dev.nodeless.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DownwardApiTest {

  @Test
  void goQuoteEscapesLikeStrconvQuote() {
    assertThat(DownwardApi.goQuote("plain")).isEqualTo("\"plain\"");
    assertThat(DownwardApi.goQuote("")).isEqualTo("\"\"");
    assertThat(DownwardApi.goQuote("say \"hi\"")).isEqualTo("\"say \\\"hi\\\"\"");
    assertThat(DownwardApi.goQuote("C:\\dir")).isEqualTo("\"C:\\\\dir\"");
    assertThat(DownwardApi.goQuote("a\nb\tc\rd")).isEqualTo("\"a\\nb\\tc\\rd\"");
    assertThat(DownwardApi.goQuote("\u0007\b\f\u000b")).isEqualTo("\"\\a\\b\\f\\v\"");
    assertThat(DownwardApi.goQuote("\u0001\u007f")).isEqualTo("\"\\x01\\x7f\"");
    assertThat(DownwardApi.goQuote("héllo €")).isEqualTo("\"héllo €\"");
    assertThat(DownwardApi.goQuote("🚀")).isEqualTo("\"🚀\"");
    assertThat(DownwardApi.goQuote("no\u00a0break")).isEqualTo("\"no\\u00a0break\"");
    assertThat(DownwardApi.goQuote("zero\u200bwidth")).isEqualTo("\"zero\\u200bwidth\"");
  }

  @Test
  void formatMapSortsKeysWithoutTrailingNewline() {
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put("zone", "us-east");
    labels.put("app", "web");
    labels.put("note", "two\nlines");

    assertThat(DownwardApi.formatMap(labels))
        .isEqualTo("app=\"web\"\nnote=\"two\\nlines\"\nzone=\"us-east\"");
    assertThat(DownwardApi.formatMap(Map.of())).isEmpty();
    assertThat(DownwardApi.formatMap(null)).isEmpty();
  }
}
