package dev.nodeless.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class EnvExpansionTest {
  private static final Map<String, String> VARS = Map.of("A", "a", "EMPTY", "", "B", "$(A)");

  @ParameterizedTest(name = "[{0}] -> [{1}]")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '\'',
      value = {
        "$(A)|a",
        "x$(A)y$(A)z|xayaz",
        "$(EMPTY)|''",
        "$(B)|$(A)",
        "$$(A)|$(A)",
        "$$$(A)|$a",
        "$$$$|$$",
        "$(MISSING)|$(MISSING)",
        "$()|$()",
        "$(A|$(A",
        "$(|$(",
        "$A|$A",
        "end$|end$",
        "$|$",
        "100%|100%",
        "ü$(A)ü|üaü",
      })
  void expandsLikeKubernetes(String input, String expected) {
    assertThat(EnvExpansion.expand(input, VARS::get)).isEqualTo(expected);
  }
}
