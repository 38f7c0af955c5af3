package dev.nodeless.provider.aci;

import dev.nodeless.plan.*;
import dev.nodeless.testing.Fixtures;
import io.fabric8.kubernetes.api.model.Pod;
import org.junit.jupiter.api.Test;

class ScratchTest {
  @Test
  void print() {
    AciTranslator translator = new AciTranslator();
    TestResolver resolver = new TestResolver(FixtureObjects.all());
    for (String file : Fixtures.all()) {
      for (Pod pod : Fixtures.pods(file)) {
        PlacementQuote quote = translator.plan(resolver.resolve(pod), PlanSettings.of("eastus"));
        System.out.println("=== " + file);
        if (quote instanceof PlacementQuote.Offer offer) {
          System.out.println(
              "OFFER " + offer.size() + " " + offer.hourlyUsd() + " " + offer.notes());
          System.out.println(offer.requests().get(0).redactedJson());
        } else {
          ((PlacementQuote.Rejected) quote)
              .problems()
              .forEach(p -> System.out.println("  REJ " + p.describe()));
        }
      }
    }
  }
}
