package dev.nodeless.provider.ec2;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nodeless.PodRef;
import dev.nodeless.PodValidationException;
import dev.nodeless.ValidationProblem;
import dev.nodeless.plan.PlacementPlanner;
import dev.nodeless.plan.PlacementQuote;
import dev.nodeless.plan.PlanSettings;
import dev.nodeless.plan.ProviderRequest;
import dev.nodeless.provider.ec2.internal.Glob;
import dev.nodeless.provider.ec2.internal.InstanceCatalog;
import dev.nodeless.provider.ec2.internal.InstanceSelector;
import dev.nodeless.provider.ec2.internal.NodeRequirements;
import dev.nodeless.provider.ec2.internal.PodResourceCheck;
import dev.nodeless.provider.ec2.internal.RequestJson;
import dev.nodeless.provider.ec2.internal.TagMapper;
import dev.nodeless.resources.EffectiveResources;
import dev.nodeless.resources.PodResources;
import dev.nodeless.spi.ResolvedPod;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpec;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.ec2.model.RunInstancesRequest;

/**
 * Translates a resolved pod into one EC2 {@code RunInstances} request for a VM that runs only that
 * pod, with the cheapest instance type whose capacity covers the pod's requests, and prices it.
 * Registered as the {@code ec2} {@link PlacementPlanner}.
 *
 * <p>The translation is deterministic and does no network or file I/O. The constructor reads the
 * bundled price and spec tables from the jar (once per JVM); a price table named by the {@value
 * Ec2Settings#PRICE_TABLE} or {@value Ec2Settings#SPOT_PRICE_TABLE} option is read once, on first
 * use, and kept for the life of this translator. Instances are thread-safe.
 *
 * <p>The request carries no user data: the EC2 provider adds the boot-time bootstrap of the agent
 * when it launches. No environment value, secret or otherwise, is put into the request; the pod's
 * containers reach the VM through the agent after boot. {@code docs/provider-ec2.md} lists what
 * each pod field becomes.
 */
public final class Ec2Translator implements PlacementPlanner {
  public static final String PROVIDER = "ec2";

  /**
   * Annotation naming an instance type or a comma-separated list of globs, such as {@code m5.*}.
   */
  public static final String INSTANCE_TYPE_ANNOTATION = "nodeless.dev/instance-type";

  /** The aws-virtual-kubelet annotation for the instance type, accepted the same way. */
  public static final String AWS_VK_INSTANCE_TYPE_ANNOTATION =
      "compute.amazonaws.com/instance-type";

  public static final String IMAGE_ANNOTATION = "nodeless.dev/image-id";
  public static final String AWS_VK_IMAGE_ANNOTATION = "compute.amazonaws.com/image-id";

  /** The aws-virtual-kubelet annotation holding a JSON object of extra instance tags. */
  public static final String AWS_VK_TAGS_ANNOTATION = "compute.amazonaws.com/tags";

  /** GiB added to the pod's ephemeral storage for the OS and the container images. */
  static final int SYSTEM_VOLUME_HEADROOM_GIB = 10;

  /** Largest gp3 volume, in GiB. */
  static final int MAX_GP3_GIB = 16384;

  private static final Logger LOG = LoggerFactory.getLogger(Ec2Translator.class);
  private static final BigDecimal GIB = BigDecimal.valueOf(1L << 30);
  private static final List<String> IGNORED_AWS_VK_ANNOTATIONS =
      List.of(
          "compute.amazonaws.com/subnet-id",
          "compute.amazonaws.com/security-groups",
          "compute.amazonaws.com/instance-profile",
          "compute.amazonaws.com/key-pair");

  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * Settings read from plan options, kept because callers pass the same options again and again.
   */
  private static final int MAX_CACHED_SETTINGS = 64;

  private final Map<PlanSettings, Ec2Settings.Parsed> parsedSettings = new ConcurrentHashMap<>();
  private final Map<Path, InstanceCatalog> priceTables = new ConcurrentHashMap<>();
  private final Map<Path, Map<String, Map<String, BigDecimal>>> spotTables =
      new ConcurrentHashMap<>();

  /** Creates a translator and reads the bundled tables, so that no plan call reads a file. */
  public Ec2Translator() {
    InstanceCatalog.current();
    InstanceCatalog.stale();
  }

  @Override
  public String provider() {
    return PROVIDER;
  }

  /** Reads the {@code ec2.*} options and translates; every problem becomes part of a rejection. */
  @Override
  public PlacementQuote plan(ResolvedPod pod, PlanSettings settings) {
    Ec2Settings.Parsed parsed = parsedSettings.get(settings);
    if (parsed == null) {
      parsed =
          Ec2Settings.parse(
              settings,
              path -> priceTables.computeIfAbsent(path, InstanceCatalog::load),
              path -> spotTables.computeIfAbsent(path, InstanceCatalog::loadSpotPrices));
      if (parsedSettings.size() >= MAX_CACHED_SETTINGS) {
        parsedSettings.clear();
      }
      parsedSettings.put(settings, parsed);
    }
    Outcome outcome = run(pod, parsed.settings());
    List<ValidationProblem> problems = new ArrayList<>(parsed.problems());
    problems.addAll(outcome.problems());
    if (!problems.isEmpty()) {
      LOG.debug("ec2 rejected pod {}: {} problems", pod.ref(), problems.size());
      return new PlacementQuote.Rejected(PROVIDER, problems);
    }
    Ec2Translation translation = outcome.translation();
    ProviderRequest request =
        new ProviderRequest("RunInstances", translation.request(), translation.redactedJson());
    return new PlacementQuote.Offer(
        PROVIDER,
        translation.region(),
        translation.instanceType(),
        translation.hourlyUsd(),
        translation.priceSource(),
        translation.notes(),
        List.of(request));
  }

  /**
   * Translates a pod with typed settings.
   *
   * @throws PodValidationException listing every reason the pod cannot run on EC2 with these
   *     settings, each with the field to change
   */
  public Ec2Translation translate(ResolvedPod pod, Ec2Settings settings) {
    Outcome outcome = run(pod, settings);
    if (!outcome.problems().isEmpty()) {
      throw new PodValidationException(pod.ref(), PROVIDER, outcome.problems());
    }
    return outcome.translation();
  }

  private record Outcome(Ec2Translation translation, List<ValidationProblem> problems) {}

  private Outcome run(ResolvedPod resolved, Ec2Settings settings) {
    Pod pod = resolved.pod();
    PodRef ref = resolved.ref();
    PodSpec spec = pod.getSpec();
    if (spec == null) {
      return rejected(
          new ValidationProblem("spec", null, "a pod needs a spec", "add spec.containers"));
    }
    List<ValidationProblem> problems = new ArrayList<>(PodResourceCheck.check(spec));
    List<String> notes = new ArrayList<>();
    Map<String, String> annotations = annotations(pod);

    NodeRequirements node = NodeRequirements.of(pod);
    problems.addAll(node.problems());
    Optional<String> patternKey =
        firstPresent(annotations, INSTANCE_TYPE_ANNOTATION, AWS_VK_INSTANCE_TYPE_ANNOTATION, notes);
    Glob pattern = Glob.of(patternKey.map(annotations::get).orElse(""));
    Map<String, String> extraTags = extraTags(annotations, problems);
    IGNORED_AWS_VK_ANNOTATIONS.stream()
        .filter(annotations::containsKey)
        .forEach(key -> notes.add("annotation " + key + " ignored: the ec2 settings choose it"));
    Optional<InstanceCatalog.Region> region = region(settings, notes);
    if (region.isEmpty()) {
      problems.add(
          new ValidationProblem(
              "settings.region",
              settings.region(),
              "no EC2 price table covers this region",
              "load a price table for it with " + Ec2Settings.PRICE_TABLE));
    }
    Optional<String> patternPath = patternKey.map(key -> "metadata.annotations[\"" + key + "\"]");
    region.ifPresent(catalog -> checkPattern(pattern, patternPath, catalog, problems));
    if (!problems.isEmpty()) {
      return new Outcome(null, problems);
    }

    PodResources resources = EffectiveResources.of(spec);
    InstanceSelector.Need need =
        new InstanceSelector.Need(resources.cpu(), resources.memoryBytes(), resources.gpus());
    int rootGiB = rootVolumeGiB(resources, settings, spec, notes, problems);
    InstanceSelector.Policy policy = policy(settings, pattern);
    InstanceSelector.Result result =
        InstanceSelector.select(
            region.get().prepared(settings.overheadModel()), need, node, policy);
    if (result.best().isEmpty()) {
      problems.addAll(
          Rejections.explain(result, need, policy, node, spec, settings.region(), patternPath));
      return new Outcome(null, problems);
    }
    InstanceSelector.Candidate best = result.best().get();
    Optional<String> image = image(annotations, settings, best, notes, problems);
    if (!problems.isEmpty()) {
      return new Outcome(null, problems);
    }

    Notes.selection(best, need, policy, settings, result, resources, notes);
    notes.addAll(node.notes());
    String clusterId = settings.clusterId().orElse(Ec2Settings.DEFAULT_CLUSTER_ID);
    if (settings.clusterId().isEmpty()) {
      notes.add(
          "no " + Ec2Settings.CLUSTER_ID + " set: resources are tagged with cluster id default");
    }
    TagMapper.Mapped tags =
        TagMapper.map(clusterId, ref, extraTags, AWS_VK_TAGS_ANNOTATION, labels(pod));
    notes.addAll(tags.notes());
    Optional<String> subnet = subnet(settings, ref, notes);

    RunInstancesRequest request =
        LaunchRequests.runInstances(
            new LaunchRequests.Launch(
                ref, best.type(), image.orElseThrow(), subnet, rootGiB, true, tags.tags()),
            settings);
    Ec2Translation translation =
        new Ec2Translation(
            request,
            RequestJson.write(request),
            settings.region(),
            best.type().name(),
            settings.spot(),
            best.price(),
            region.get().source(),
            notes);
    LOG.debug("ec2 translated pod {} to {} at {} USD/h", ref, best.type().name(), best.price());
    return new Outcome(translation, List.of());
  }

  /** Rejects a pattern that names no type of the region, before any other selection step. */
  private static void checkPattern(
      Glob pattern,
      Optional<String> patternPath,
      InstanceCatalog.Region region,
      List<ValidationProblem> problems) {
    if (pattern.isEmpty()
        || (pattern.isExact() && region.find(pattern.text()).isPresent())
        || (!pattern.isExact()
            && region.types().stream().anyMatch(t -> pattern.matches(t.name())))) {
      return;
    }
    problems.add(
        new ValidationProblem(
            patternPath.orElseThrow(),
            pattern.text(),
            pattern.isExact()
                ? "instance type " + pattern.text() + " is not in the " + region.name() + " catalog"
                : "no instance type in the " + region.name() + " catalog matches " + pattern.text(),
            "name an instance type offered in " + region.name() + ", or remove the annotation"));
  }

  private static Outcome rejected(ValidationProblem problem) {
    return new Outcome(null, List.of(problem));
  }

  private static InstanceSelector.Policy policy(Ec2Settings settings, Glob pattern) {
    return new InstanceSelector.Policy(
        pattern,
        settings.families(),
        settings.excludedFamilies(),
        settings.burstable(),
        settings.architectures(),
        settings.burstCreditPrice(),
        settings.spot(),
        settings.spotPrices(),
        settings.overheadModel());
  }

  /** The user's table for the region, else the current bundled one, else the stale one. */
  private static Optional<InstanceCatalog.Region> region(Ec2Settings settings, List<String> notes) {
    String name = settings.region();
    Optional<InstanceCatalog.Region> region =
        settings.priceTable().flatMap(table -> table.region(name));
    if (region.isEmpty()) {
      region = InstanceCatalog.current().region(name);
    }
    if (region.isEmpty()) {
      region = InstanceCatalog.stale().region(name);
      region.ifPresent(
          stale ->
              notes.add(
                  "prices for "
                      + name
                      + " are stale (December 2020): families launched since, Graviton"
                      + " among them, are missing; load a current table with "
                      + Ec2Settings.PRICE_TABLE));
    }
    return region;
  }

  private static int rootVolumeGiB(
      PodResources resources,
      Ec2Settings settings,
      PodSpec spec,
      List<String> notes,
      List<ValidationProblem> problems) {
    BigDecimal request = resources.request(PodResources.EPHEMERAL_STORAGE);
    BigDecimal bytes =
        resources.limit(PodResources.EPHEMERAL_STORAGE).map(request::max).orElse(request);
    BigDecimal podGiB = bytes.divide(GIB, 0, java.math.RoundingMode.CEILING);
    BigDecimal neededGiB = podGiB.add(BigDecimal.valueOf(SYSTEM_VOLUME_HEADROOM_GIB));
    if (neededGiB.compareTo(BigDecimal.valueOf(MAX_GP3_GIB)) > 0) {
      problems.add(
          new ValidationProblem(
              PodResourceCheck.pathOf(spec, PodResources.EPHEMERAL_STORAGE),
              podGiB.toPlainString() + "Gi",
              "a gp3 root volume holds at most "
                  + MAX_GP3_GIB
                  + " GiB, and "
                  + SYSTEM_VOLUME_HEADROOM_GIB
                  + " GiB of it is kept for the OS and images",
              "request at most "
                  + (MAX_GP3_GIB - SYSTEM_VOLUME_HEADROOM_GIB)
                  + "Gi of ephemeral"
                  + " storage"));
      return settings.rootVolumeMinGiB();
    }
    int size = Math.max(settings.rootVolumeMinGiB(), neededGiB.intValueExact());
    if (bytes.signum() > 0) {
      boolean rounded = podGiB.multiply(GIB).compareTo(bytes) != 0;
      notes.add(
          "root volume "
              + size
              + " GiB gp3: ephemeral-storage "
              + (rounded ? "rounded up to " : "of ")
              + podGiB.toPlainString()
              + " GiB plus "
              + SYSTEM_VOLUME_HEADROOM_GIB
              + " GiB for the OS and images, at least "
              + settings.rootVolumeMinGiB()
              + " GiB");
    }
    return size;
  }

  private static Optional<String> image(
      Map<String, String> annotations,
      Ec2Settings settings,
      InstanceSelector.Candidate best,
      List<String> notes,
      List<ValidationProblem> problems) {
    Optional<String> fromPod =
        firstPresent(annotations, IMAGE_ANNOTATION, AWS_VK_IMAGE_ANNOTATION, notes)
            .map(annotations::get);
    Optional<String> chosen = fromPod.or(() -> settings.imageId(best.type().arch()));
    if (chosen.isPresent()) {
      return chosen;
    }
    if (best.type().gpus() > 0) {
      problems.add(
          new ValidationProblem(
              Rejections.settingPath(Ec2Settings.IMAGE_ID),
              null,
              best.type().name()
                  + " has GPUs and the default Amazon Linux 2023 image has no GPU"
                  + " driver",
              "set "
                  + Ec2Settings.IMAGE_ID
                  + " to an AMI with the NVIDIA driver, or annotate the"
                  + " pod with "
                  + IMAGE_ANNOTATION));
      return Optional.empty();
    }
    return Optional.of(Ec2Settings.DEFAULT_IMAGES.get(best.type().arch()));
  }

  private static Optional<String> subnet(Ec2Settings settings, PodRef ref, List<String> notes) {
    List<String> subnets = settings.subnetIds();
    if (subnets.isEmpty()) {
      notes.add(
          "no " + Ec2Settings.SUBNET_ID + " set: EC2 uses a default subnet of the default VPC");
      return Optional.empty();
    }
    String subnet = subnets.get(Integer.remainderUnsigned(ref.uid().hashCode(), subnets.size()));
    if (subnets.size() > 1) {
      notes.add("subnet " + subnet + " picked from " + subnets.size() + " by the pod UID");
    }
    return Optional.of(subnet);
  }

  private static Map<String, String> extraTags(
      Map<String, String> annotations, List<ValidationProblem> problems) {
    String json = annotations.get(AWS_VK_TAGS_ANNOTATION);
    if (json == null || json.isBlank()) {
      return Map.of();
    }
    try {
      Map<String, Object> parsed =
          JSON.readValue(json, new TypeReference<Map<String, Object>>() {});
      Map<String, String> tags = new TreeMap<>();
      for (Map.Entry<String, Object> entry : parsed.entrySet()) {
        if (entry.getValue() instanceof Map<?, ?> || entry.getValue() instanceof List<?>) {
          throw new IllegalArgumentException("tag " + entry.getKey() + " is not a plain value");
        }
        tags.put(entry.getKey(), String.valueOf(entry.getValue()));
      }
      return tags;
    } catch (JsonProcessingException | IllegalArgumentException e) {
      problems.add(
          new ValidationProblem(
              "metadata.annotations[\"" + AWS_VK_TAGS_ANNOTATION + "\"]",
              json,
              "must be a JSON object of tag names to plain values",
              "write it like {\"team\": \"web\"}"));
      return Map.of();
    }
  }

  /** The first annotation set among two, with a note when both are set. */
  private static Optional<String> firstPresent(
      Map<String, String> annotations, String preferred, String other, List<String> notes) {
    boolean hasPreferred =
        annotations.containsKey(preferred) && !annotations.get(preferred).isBlank();
    boolean hasOther = annotations.containsKey(other) && !annotations.get(other).isBlank();
    if (hasPreferred && hasOther) {
      notes.add("annotation " + other + " ignored: " + preferred + " is set too");
    }
    if (hasPreferred) {
      return Optional.of(preferred);
    }
    return hasOther ? Optional.of(other) : Optional.empty();
  }

  private static Map<String, String> annotations(Pod pod) {
    Map<String, String> annotations = pod.getMetadata().getAnnotations();
    return annotations == null ? Map.of() : annotations;
  }

  private static Map<String, String> labels(Pod pod) {
    Map<String, String> labels = pod.getMetadata().getLabels();
    return labels == null ? Map.of() : labels;
  }
}
