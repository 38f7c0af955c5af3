package dev.nodeless.cli;

import dev.nodeless.PodValidationException;
import dev.nodeless.ReferenceResolver;
import dev.nodeless.ValidationProblem;
import dev.nodeless.cli.ManifestReader.Manifests;
import dev.nodeless.cli.ManifestReader.PodSource;
import dev.nodeless.plan.PlacementChooser;
import dev.nodeless.plan.PlacementPlanner;
import dev.nodeless.plan.PlacementQuote;
import dev.nodeless.plan.PlanSettings;
import dev.nodeless.plan.Plans;
import dev.nodeless.plan.PriceSource;
import dev.nodeless.plan.ProviderRequest;
import dev.nodeless.spi.ResolvedPod;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code nodeless plan}: translates every pod for each cloud provider, prices it and names the
 * cheapest, without credentials or network calls.
 */
@Command(
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    name = "plan",
    sortOptions = false,
    description = {
      "Shows, for every Pod in the files and the pod template of each workload, what each cloud"
          + " provider would launch: the size or instance type, the hourly and monthly price"
          + " (730 hours) with its source, notes, and every reason a provider rejects the pod."
          + " Marks the cheapest offer with *. Needs no credentials and makes no network calls.",
      "Default regions: us-east-1 for ec2 and fargate, eastus for aci. --region applies to all;"
          + " --set ec2.region=R, fargate.region=R or aci.region=R sets one."
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:every pod has at least one offer",
      "1:some pod is rejected by every provider",
      "2:invalid command line or manifest"
    })
final class PlanCommand implements Callable<Integer> {
  /** Default region of each provider when neither --region nor PROVIDER.region is given. */
  static final Map<String, String> DEFAULT_REGIONS =
      Map.of("ec2", "us-east-1", "fargate", "us-east-1", "aci", "eastus");

  private static final String REGION_SUFFIX = ".region";

  /**
   * Fargate rejects a pod without a subnet, but a price needs none: planning uses this placeholder
   * when {@code fargate.subnetIds} is not set, and notes it.
   */
  static final String PLACEHOLDER_SUBNET = "subnet-00000000000000000";

  private static final String FARGATE_SUBNETS = "fargate.subnetIds";

  @ParentCommand Main main;
  @Spec CommandSpec spec;

  @Mixin ManifestFiles manifestFiles;

  @Option(
      names = "--provider",
      split = ",",
      paramLabel = "NAME",
      description = "Providers to quote, comma-separated, such as ec2,fargate. Default: all.")
  List<String> providers = new ArrayList<>();

  @Option(
      names = "--region",
      paramLabel = "REGION",
      description = "Region for every provider, such as us-east-1 or eastus.")
  String region;

  @Option(
      names = {"-s", "--set"},
      paramLabel = "KEY=VALUE",
      description =
          "Planning setting, such as ec2.spot=true or fargate.priceTable=prices.csv. Repeat for"
              + " more.")
  Map<String, String> settings = new LinkedHashMap<>();

  @Option(
      names = {"-o", "--output"},
      defaultValue = "table",
      paramLabel = "FORMAT",
      converter = FormatConverter.class,
      description = "table, json or yaml. Default: table.")
  OutputFormat output;

  @Option(
      names = "--show-requests",
      description = "Also print the cloud API requests each provider would send, secrets redacted.")
  boolean showRequests;

  /** One pod and its decision. */
  private record Planned(Pod pod, String origin, PlacementChooser.Decision decision) {}

  @Override
  public Integer call() {
    Console console = new Console(spec.commandLine().getOut(), spec.commandLine().getErr(), false);
    KubernetesSerialization serialization = new KubernetesSerialization();
    List<PlacementPlanner> planners = selectPlanners();
    Manifests manifests = manifestFiles.readPods(serialization, main.stdin(), console, "plan");
    ReferenceResolver resolver = ManifestReader.resolver(manifests.references());
    List<ResolvedPod> resolved = resolveAll(manifests.pods(), resolver);

    List<Planned> results = new ArrayList<>();
    for (int i = 0; i < resolved.size(); i++) {
      List<PlacementQuote> quotes = new ArrayList<>();
      for (PlacementPlanner planner : planners) {
        quotes.add(planner.plan(resolved.get(i), settingsFor(planner.provider())));
      }
      results.add(
          new Planned(
              resolved.get(i).pod(),
              manifests.pods().get(i).origin(),
              PlacementChooser.decide(quotes)));
    }

    if (output == OutputFormat.text) {
      results.forEach(planned -> printTable(planned, console));
    } else {
      console.out(render(results, serialization));
    }
    boolean someRejected = results.stream().anyMatch(p -> p.decision().chosen().isEmpty());
    if (someRejected) {
      for (Planned planned : results) {
        if (planned.decision().chosen().isEmpty()) {
          console.err("pod " + name(planned.pod()) + " is rejected by every provider");
        }
      }
      return ExitCodes.FAILED;
    }
    return ExitCodes.OK;
  }

  private List<PlacementPlanner> selectPlanners() {
    List<PlacementPlanner> all = PlacementChooser.discover().planners();
    if (providers.isEmpty()) {
      return all;
    }
    List<String> known = all.stream().map(PlacementPlanner::provider).toList();
    List<PlacementPlanner> chosen = new ArrayList<>();
    for (String name : providers) {
      String requested = name.strip();
      PlacementPlanner planner =
          all.stream().filter(p -> p.provider().equals(requested)).findFirst().orElse(null);
      if (planner == null) {
        throw new CliException(
            ExitCodes.INVALID_INPUT,
            "--provider " + requested + " is not a planning provider; use one of " + known);
      }
      if (!chosen.contains(planner)) {
        chosen.add(planner);
      }
    }
    return chosen;
  }

  /**
   * Validates and resolves every pod before any is planned.
   *
   * @throws CliException with exit code 2 listing every problem of every pod
   */
  private static List<ResolvedPod> resolveAll(List<PodSource> sources, ReferenceResolver resolver) {
    List<ResolvedPod> resolved = new ArrayList<>();
    StringBuilder message = new StringBuilder();
    for (PodSource source : sources) {
      Pod pod = withPlanIdentity(source.pod());
      try {
        resolved.add(Plans.resolve(pod, resolver));
      } catch (PodValidationException e) {
        RunCommand.appendProblems(message, pod, source.origin(), e.problems());
      }
    }
    if (message.length() > 0) {
      message.append("\nNothing was planned. Fix the fields above and run again.");
      throw new CliException(ExitCodes.INVALID_INPUT, message.toString());
    }
    return resolved;
  }

  /**
   * Copies the pod with a namespace and, when it has none, a UID derived from its namespace and
   * name, so that the same manifest always gives the same requests (EC2's client token, ACI's group
   * name).
   */
  static Pod withPlanIdentity(Pod pod) {
    ObjectMeta meta = pod.getMetadata() == null ? new ObjectMeta() : pod.getMetadata();
    String namespace = ManifestReader.namespaceOf(meta);
    ObjectMetaBuilder identity = new ObjectMetaBuilder(meta).withNamespace(namespace);
    if (meta.getUid() == null || meta.getUid().isEmpty()) {
      String name = meta.getName() != null ? meta.getName() : meta.getGenerateName();
      identity.withUid(
          UUID.nameUUIDFromBytes((namespace + "/" + name).getBytes(StandardCharsets.UTF_8))
              .toString());
    }
    if ((meta.getName() == null || meta.getName().isEmpty()) && meta.getGenerateName() != null) {
      identity.withName(meta.getGenerateName() + "plan");
    }
    return new PodBuilder(pod).withMetadata(identity.build()).build();
  }

  /**
   * Returns the settings of one provider: its region ({@code PROVIDER.region}, else {@code
   * --region}, else its default) and every option. The {@code ec2.region} and {@code
   * fargate.region} keys are consumed here because those providers know no such option; ACI reads
   * {@code aci.region} itself.
   */
  PlanSettings settingsFor(String provider) {
    String own = settings.get(provider + REGION_SUFFIX);
    String chosen = DEFAULT_REGIONS.getOrDefault(provider, "");
    if (own != null) {
      chosen = own;
    } else if (region != null) {
      chosen = region;
    }
    Map<String, String> options = new LinkedHashMap<>(settings);
    if (provider.equals("fargate")) {
      options.putIfAbsent(FARGATE_SUBNETS, PLACEHOLDER_SUBNET);
    }
    for (String name : DEFAULT_REGIONS.keySet()) {
      if (!name.equals("aci")) {
        options.remove(name + REGION_SUFFIX);
      }
    }
    return new PlanSettings(chosen, options);
  }

  /** Notes about settings this command filled in for a provider. */
  private List<String> planNotes(String provider) {
    if (provider.equals("fargate") && !settings.containsKey(FARGATE_SUBNETS)) {
      return List.of(
          "no "
              + FARGATE_SUBNETS
              + " set: planned with the placeholder "
              + PLACEHOLDER_SUBNET
              + "; set --set "
              + FARGATE_SUBNETS
              + "=subnet-... for the real request");
    }
    return List.of();
  }

  private List<String> notes(PlacementQuote.Offer offer) {
    List<String> notes = new ArrayList<>(planNotes(offer.provider()));
    notes.addAll(offer.notes());
    return notes;
  }

  // ---- table output ---------------------------------------------------------------------------

  private void printTable(Planned planned, Console console) {
    PlacementChooser.Decision decision = planned.decision();
    String chosen = decision.chosen().map(PlacementQuote::provider).orElse(null);
    console.out("pod " + name(planned.pod()) + " from " + planned.origin());
    List<String[]> rows = new ArrayList<>();
    rows.add(new String[] {"PROVIDER", "REGION", "SIZE", "USD/HOUR", "USD/MONTH", "PRICES OF"});
    for (PlacementQuote quote : decision.quotes()) {
      String mark = quote.provider().equals(chosen) ? "* " : "  ";
      if (quote instanceof PlacementQuote.Offer offer) {
        rows.add(
            new String[] {
              mark + offer.provider(),
              offer.region() == null ? "-" : offer.region(),
              offer.size(),
              hourly(offer.hourlyUsd()),
              monthly(offer),
              offer.priceSource().asOf() + (offer.priceSource().stale() ? " (stale)" : "")
            });
      } else {
        rows.add(new String[] {mark + quote.provider(), "-", "rejected", "-", "-", "-"});
      }
    }
    for (String line : columns(rows)) {
      console.out("  " + line);
    }
    if (chosen == null) {
      console.out("  no provider can run this pod");
    } else {
      console.out("  cheapest: " + chosen + " (" + decision.chosen().get().size() + ")");
    }
    for (PlacementQuote quote : decision.quotes()) {
      console.out("  " + quote.provider() + ":");
      String passedOver = decision.passedOver().get(quote.provider());
      if (quote instanceof PlacementQuote.Offer offer) {
        if (passedOver != null) {
          console.out("    passed over: " + passedOver);
        }
        console.out("    price source: " + source(offer.priceSource()));
        for (String note : notes(offer)) {
          console.out("    note: " + note);
        }
        if (showRequests) {
          for (ProviderRequest request : offer.requests()) {
            console.out("    request " + request.operation() + ": " + request.redactedJson());
          }
        }
      } else if (quote instanceof PlacementQuote.Rejected rejected) {
        console.out(
            "    rejected, "
                + rejected.problems().size()
                + (rejected.problems().size() == 1 ? " problem:" : " problems:"));
        for (ValidationProblem problem : rejected.problems()) {
          console.out("    - " + problem.describe());
        }
      }
    }
    console.out("");
  }

  private static List<String> columns(List<String[]> rows) {
    int[] widths = new int[rows.get(0).length];
    for (String[] row : rows) {
      for (int i = 0; i < row.length; i++) {
        widths[i] = Math.max(widths[i], row[i].length());
      }
    }
    List<String> lines = new ArrayList<>();
    for (String[] row : rows) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < row.length; i++) {
        line.append(
            i == row.length - 1 ? row[i] : String.format("%-" + (widths[i] + 2) + "s", row[i]));
      }
      lines.add(line.toString().stripTrailing());
    }
    return lines;
  }

  private static String hourly(BigDecimal usd) {
    return usd.stripTrailingZeros().toPlainString();
  }

  private static String monthly(PlacementQuote.Offer offer) {
    return offer.monthlyUsd().setScale(2, RoundingMode.HALF_UP).toPlainString();
  }

  private static String source(PriceSource source) {
    return source.description()
        + ", "
        + source.asOf()
        + (source.stale() ? " (stale: a fallback, check current prices)" : "");
  }

  private static String name(Pod pod) {
    return ManifestReader.namespaceOf(pod.getMetadata()) + "/" + pod.getMetadata().getName();
  }

  // ---- document output ------------------------------------------------------------------------

  private String render(List<Planned> results, KubernetesSerialization serialization) {
    List<Object> pods = new ArrayList<>();
    for (Planned planned : results) {
      PlacementChooser.Decision decision = planned.decision();
      Map<String, Object> pod = new LinkedHashMap<>();
      pod.put("namespace", ManifestReader.namespaceOf(planned.pod().getMetadata()));
      pod.put("name", planned.pod().getMetadata().getName());
      pod.put("source", planned.origin());
      pod.put("cheapest", decision.chosen().map(PlacementQuote::provider).orElse(null));
      List<Object> quotes = new ArrayList<>();
      for (PlacementQuote quote : decision.quotes()) {
        quotes.add(quoteDocument(quote, decision, serialization));
      }
      pod.put("quotes", quotes);
      pods.add(pod);
    }
    Map<String, Object> document = new LinkedHashMap<>();
    document.put("pods", pods);
    return output == OutputFormat.json
        ? serialization.asJson(document)
        : serialization.asYaml(document);
  }

  private Map<String, Object> quoteDocument(
      PlacementQuote quote,
      PlacementChooser.Decision decision,
      KubernetesSerialization serialization) {
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("provider", quote.provider());
    if (quote instanceof PlacementQuote.Offer offer) {
      result.put("status", "offer");
      result.put("region", offer.region());
      result.put("size", offer.size());
      result.put("hourlyUsd", offer.hourlyUsd());
      result.put("monthlyUsd", offer.monthlyUsd().setScale(2, RoundingMode.HALF_UP));
      Map<String, Object> source = new LinkedHashMap<>();
      source.put("description", offer.priceSource().description());
      source.put("asOf", offer.priceSource().asOf().toString());
      source.put("stale", offer.priceSource().stale());
      result.put("priceSource", source);
      result.put("notes", notes(offer));
      if (showRequests) {
        List<Object> requests = new ArrayList<>();
        for (ProviderRequest request : offer.requests()) {
          Map<String, Object> entry = new LinkedHashMap<>();
          entry.put("operation", request.operation());
          entry.put("request", serialization.unmarshal(request.redactedJson(), Object.class));
          requests.add(entry);
        }
        result.put("requests", requests);
      }
    } else if (quote instanceof PlacementQuote.Rejected rejected) {
      result.put("status", "rejected");
      List<Object> problems = new ArrayList<>();
      for (ValidationProblem problem : rejected.problems()) {
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("fieldPath", problem.fieldPath());
        entry.put("value", problem.value());
        entry.put("rule", problem.rule());
        entry.put("fix", problem.fix());
        problems.add(entry);
      }
      result.put("problems", problems);
    }
    result.put("passedOver", decision.passedOver().get(quote.provider()));
    return result;
  }

  /**
   * Reads {@code table}, {@code json} or {@code yaml}; {@code text} is accepted as {@code table}.
   */
  static final class FormatConverter implements ITypeConverter<OutputFormat> {
    @Override
    public OutputFormat convert(String value) {
      return switch (value) {
        case "table", "text" -> OutputFormat.text;
        case "json" -> OutputFormat.json;
        case "yaml" -> OutputFormat.yaml;
        default ->
            throw new picocli.CommandLine.TypeConversionException(
                "'" + value + "' is not an output format; use table, json or yaml");
      };
    }
  }
}
