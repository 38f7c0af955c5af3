package dev.nodeless.provider.aci;

import com.azure.resourcemanager.containerinstance.fluent.models.ContainerGroupInner;
import com.azure.resourcemanager.containerinstance.models.Container;
import com.azure.resourcemanager.containerinstance.models.ContainerGroupIpAddressType;
import com.azure.resourcemanager.containerinstance.models.ContainerGroupNetworkProtocol;
import com.azure.resourcemanager.containerinstance.models.ContainerGroupSubnetId;
import com.azure.resourcemanager.containerinstance.models.ContainerPort;
import com.azure.resourcemanager.containerinstance.models.DnsConfiguration;
import com.azure.resourcemanager.containerinstance.models.IpAddress;
import com.azure.resourcemanager.containerinstance.models.Port;
import io.fabric8.kubernetes.api.model.PodDNSConfig;
import io.fabric8.kubernetes.api.model.PodDNSConfigOption;
import io.fabric8.kubernetes.api.model.PodSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The group's IP address, subnets and DNS settings.
 *
 * <p>A public IP address is created only on request, through the setting {@code aci.publicIp=true}
 * or the pod annotation {@code aci.nodeless.dev/public-ip: "true"}; declaring a container port
 * alone never exposes the pod to the Internet. With {@code aci.subnetIds} the group joins those
 * subnets and gets a private IP address carrying the container ports.
 */
final class NetworkMapper {
  /** Ports per IP address (a hard ACI limit). */
  static final int MAX_PORTS = 5;

  /** ACI DNS name labels: 5-63 characters, a letter first, a letter or digit last. */
  static final Pattern DNS_NAME_LABEL = Pattern.compile("[a-z][a-z0-9-]{3,61}[a-z0-9]");

  private NetworkMapper() {}

  static void apply(
      ContainerGroupInner group,
      PodSpec spec,
      Map<String, String> annotations,
      AciSettings settings,
      Findings findings) {
    boolean publicIp = publicIpRequested(annotations, settings, findings);
    List<Port> ports = groupPorts(group.containers());
    String label = annotations.get(AciSettings.DNS_NAME_LABEL_ANNOTATION);
    String labelPath = "metadata.annotations[" + AciSettings.DNS_NAME_LABEL_ANNOTATION + "]";
    boolean subnets = !settings.subnetIds().isEmpty();

    if (publicIp && subnets) {
      findings.reject(
          AciSettings.PUBLIC_IP,
          "true",
          "an ACI container group in a virtual network has no public IP address",
          "drop the public IP request, or remove " + AciSettings.SUBNET_IDS);
    }
    if (label != null && !publicIp) {
      findings.reject(
          labelPath,
          label,
          "a DNS name label belongs to a public IP address",
          "also set the annotation " + AciSettings.PUBLIC_IP_ANNOTATION + ": \"true\"");
    }
    if (label != null && !DNS_NAME_LABEL.matcher(label).matches()) {
      findings.reject(
          labelPath,
          label,
          "a DNS name label has 5-63 lower-case letters, digits or hyphens, starting with a letter"
              + " and ending with a letter or digit",
          "choose a label such as myapp-web");
    }
    if ((publicIp || subnets) && ports.size() > MAX_PORTS) {
      findings.reject(
          "spec.containers[*].ports",
          String.valueOf(ports.size()),
          "an ACI IP address exposes at most " + MAX_PORTS + " distinct ports",
          "declare at most " + MAX_PORTS + " container ports across the pod");
    }

    if (publicIp && !ports.isEmpty()) {
      group.withIpAddress(
          new IpAddress()
              .withType(ContainerGroupIpAddressType.PUBLIC)
              .withPorts(ports)
              .withDnsNameLabel(label));
    } else if (publicIp) {
      findings.note("no container declares a port, so no public IP address is requested");
    } else if (subnets && !ports.isEmpty()) {
      group.withIpAddress(
          new IpAddress().withType(ContainerGroupIpAddressType.PRIVATE).withPorts(ports));
    } else if (!ports.isEmpty()) {
      findings.note(
          "the container ports get no IP address: set "
              + AciSettings.PUBLIC_IP
              + "=true or the annotation "
              + AciSettings.PUBLIC_IP_ANNOTATION
              + " to expose them, or "
              + AciSettings.SUBNET_IDS
              + " to reach them inside a virtual network");
    }
    if (subnets) {
      List<ContainerGroupSubnetId> ids = new ArrayList<>();
      settings.subnetIds().forEach(id -> ids.add(new ContainerGroupSubnetId().withId(id)));
      group.withSubnetIds(ids);
    }
    group.withDnsConfig(dns(spec.getDnsConfig(), subnets, findings));
  }

  private static boolean publicIpRequested(
      Map<String, String> annotations, AciSettings settings, Findings findings) {
    String annotation = annotations.get(AciSettings.PUBLIC_IP_ANNOTATION);
    if (annotation == null) {
      return settings.publicIp();
    }
    if (annotation.equalsIgnoreCase("true")) {
      return true;
    }
    if (!annotation.equalsIgnoreCase("false")) {
      findings.reject(
          "metadata.annotations[" + AciSettings.PUBLIC_IP_ANNOTATION + "]",
          annotation,
          "the annotation is \"true\" or \"false\"",
          "set it to \"true\" to get a public IP address");
    }
    return false;
  }

  /** The distinct (port, protocol) pairs of all containers, in container order. */
  private static List<Port> groupPorts(List<Container> containers) {
    Map<String, Port> ports = new LinkedHashMap<>();
    for (Container container : containers) {
      if (container.ports() == null) {
        continue;
      }
      for (ContainerPort port : container.ports()) {
        String protocol = port.protocol().toString();
        ports.putIfAbsent(
            port.port() + "/" + protocol,
            new Port()
                .withPort(port.port())
                .withProtocol(ContainerGroupNetworkProtocol.fromString(protocol)));
      }
    }
    return new ArrayList<>(ports.values());
  }

  private static DnsConfiguration dns(PodDNSConfig config, boolean subnets, Findings findings) {
    if (config == null) {
      return null;
    }
    List<String> servers = config.getNameservers() == null ? List.of() : config.getNameservers();
    if (!subnets) {
      // NOTE: ACI documents custom DNS settings for groups in a virtual network only.
      findings.reject(
          "spec.dnsConfig",
          String.join(",", servers),
          "ACI applies DNS settings only to container groups in a virtual network",
          "set " + AciSettings.SUBNET_IDS + ", or remove dnsConfig");
      return null;
    }
    if (servers.isEmpty()) {
      findings.reject(
          "spec.dnsConfig.nameservers",
          null,
          "ACI DNS settings need at least one name server",
          "add a name server");
      return null;
    }
    List<String> options = new ArrayList<>();
    if (config.getOptions() != null) {
      for (PodDNSConfigOption option : config.getOptions()) {
        options.add(
            option.getValue() == null
                ? option.getName()
                : option.getName() + ":" + option.getValue());
      }
    }
    DnsConfiguration dns = new DnsConfiguration().withNameServers(List.copyOf(servers));
    if (config.getSearches() != null && !config.getSearches().isEmpty()) {
      dns.withSearchDomains(String.join(" ", config.getSearches()));
    }
    if (!options.isEmpty()) {
      dns.withOptions(String.join(" ", options));
    }
    return dns;
  }
}
