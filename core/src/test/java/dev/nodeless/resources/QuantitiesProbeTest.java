package dev.nodeless.resources;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

class QuantitiesProbeTest {
  @Property(tries = 50)
  void millicoresAreExact(@ForAll @IntRange(min = 1, max = 100000) int millis) {
    assertThat(Quantities.parse(millis + "m"))
        .isEqualByComparingTo(BigDecimal.valueOf(millis).movePointLeft(3));
  }
}
