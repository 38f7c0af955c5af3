package dev.nodeless.resources;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nodeless.testing.PodArbitraries;
import dev.nodeless.testing.QuantityCase;
import io.fabric8.kubernetes.api.model.Quantity;
import java.math.BigDecimal;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class QuantitiesTest {

  @ParameterizedTest(name = "{0} = {1}")
  @CsvSource({
    "100m, 0.1",
    "0.5, 0.5",
    "2, 2",
    "0, 0",
    "1Gi, 1073741824",
    "512Mi, 536870912",
    "512Ki, 524288",
    "1.5Gi, 1610612736",
    "123Mi, 128974848",
    "1Ti, 1099511627776",
    "1Pi, 1125899906842624",
    "1Ei, 1152921504606846976",
    "1k, 1000",
    "129M, 129000000",
    "1G, 1000000000",
    "1T, 1000000000000",
    "1P, 1000000000000000",
    "1E, 1000000000000000000",
    "1e9, 1000000000",
    "129e6, 129000000",
    "1E3, 1000",
    "5e-1, 0.5",
    "25e-2, 0.25",
    "1e+3, 1000",
    ".5, 0.5",
    "1., 1",
    "+1, 1",
    "-1, -1",
    "1n, 0.000000001",
    "1u, 0.000001",
    "0.1m, 0.0001",
    "1.5n, 0.000000002",
    "0.0000000001, 0.000000001",
  })
  void parsesEveryNotationExactly(String text, String expected) {
    assertThat(Quantities.parse(text)).isEqualByComparingTo(new BigDecimal(expected));
  }

  @ParameterizedTest(name = "\"{0}\"")
  @ValueSource(
      strings = {
        "", "1ki", "1m5", "1 Gi", " 1", "1.5.5", "e3", "Gi", "1e", "1e-", "0x10", "1_000", "1KB",
        "1mi", "abc", "--1", "1e31"
      })
  void rejectsWhatKubernetesRejects(String text) {
    assertThatThrownBy(() -> Quantities.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(text.isEmpty() ? "empty" : "\"" + text + "\"");
  }

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource({"1.5, Gi, 1610612736", "250, m, 0.25", "1, e3, 1000", "7, , 7"})
  void readsAmountAndFormatOfFabric8Quantity(String amount, String format, String expected) {
    Quantity quantity = new Quantity(amount, format);

    assertThat(Quantities.toDecimal(quantity)).isEqualByComparingTo(new BigDecimal(expected));
  }

  @Provide
  Arbitrary<QuantityCase> quantities() {
    return PodArbitraries.quantities();
  }

  @Property(tries = 300)
  void generatedNotationsAreExact(@ForAll("quantities") QuantityCase quantity) {
    assertThat(Quantities.parse(quantity.text())).isEqualByComparingTo(quantity.value());
    assertThat(Quantities.toDecimal(quantity.quantity())).isEqualByComparingTo(quantity.value());
  }
}
