// What to do next in the Azure portal, after each result: the exact actions
// of the scenario's tutorial in order, each naming the file to use (with its
// SHA-1 thumbprint, as the portal shows it) and the Azure CLI line where there
// is one. The page shows them under the result and they go at the end of the
// ZIP's README.txt, from this one place. (The core writes the README; the
// steps are here because the page's WebAssembly module has no room left.)

const DPS = '<your-dps-name>';
const GROUP = '<your-resource-group>';
const ENROLLMENT_GROUP = '<your-enrollment-group>';
const ETAG = '<etag-from-the-previous-command>';

/** A value for bash, in single quotes (as the core's snippets quote). */
function quoted(text) {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

/** `--flag 'value'` pairs, with a setting's placeholder when it is empty. */
function cli(command, flags) {
  return [command, ...flags.map(([flag, value]) => `--${flag} ${quoted(value)}`)].join(' ');
}

/** The name the steps give the CA in DPS: its CN in lower case, with `-` for anything else. */
export function certificateName(commonName) {
  return commonName.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'root-ca';
}

function fileOf(files, path) {
  return files.some((file) => file.path === path) ? path : null;
}

/** A device's files, by the tutorial's names (layout.rs): certificate, full chain, key. */
function deviceFiles(entry, files) {
  const stem = entry.certificatePath.replace(/^certs\//, '').replace(/\.cert\.pem$/, '');
  return {
    certificate: entry.certificatePath,
    fullChain: fileOf(files, `certs/${stem}-full-chain.cert.pem`),
    key: fileOf(files, `private/${stem}.key.pem`),
    snippetPrefix: `snippets/${stem}.`,
  };
}

/** ` private/<stem>.key.pem` when the result has the key file. */
function keyNamed(own) {
  return own.key ? ` ${own.key}` : '';
}

function settingsOf(settings = {}) {
  return { dps: settings.dpsName || DPS, group: settings.resourceGroup || GROUP };
}

/**
 * The tutorial chain (DPS enrollment group, or IoT Hub's CA): upload the root,
 * verify it, the enrollment group with it, each device its full chain and key,
 * then the sample.
 * @param {{chain: object[], files: object[], batchSummary?: string}} result
 * @param {object} settings  the Sample settings (dpsName, resourceGroup, …)
 * @returns {Array<{text: string, file?: {path: string, thumbprintSha1?: string}, command?: string, action?: string}>}
 */
export function chainSteps(result, settings) {
  const { dps, group } = settingsOf(settings);
  const root = result.chain.find((entry) => entry.role === 'root');
  const devices = result.chain.filter((entry) => entry.role === 'device');
  const name = certificateName(root.commonName);
  const rootFile = { path: root.certificatePath, thumbprintSha1: root.thumbprintSha1 };
  const steps = [
    {
      text: `Upload the root CA certificate (not the intermediate) in the portal: your Device Provisioning Service → Settings → Certificates → Add, name it "${name}" and choose this file. (IoT Hub without DPS: your hub → Security settings → Certificates → Add.)`,
      file: rootFile,
      command: cli('az iot dps certificate create', [['dps-name', dps], ['resource-group', group], ['certificate-name', name], ['path', root.certificatePath]]),
    },
    {
      text: `Verify it (proof of possession): open "${name}" in Certificates, press Generate verification code, make the verification certificate of the root with that code here, and upload its verification-code.cert.pem to Verify. The status turns Verified. A verification certificate signed by any other CA, the intermediate included, is refused.`,
      file: rootFile,
      command: [
        cli('az iot dps certificate generate-verification-code', [['dps-name', dps], ['resource-group', group], ['certificate-name', name], ['etag', ETAG]]),
        cli('az iot dps certificate verify', [['dps-name', dps], ['resource-group', group], ['certificate-name', name], ['path', 'verification-code.cert.pem'], ['etag', ETAG]]),
      ].join('\n'),
      action: 'verify-root',
    },
    {
      text: `Create the enrollment group with the verified root: Manage enrollments → Add enrollment group, attestation X.509, "Certificates uploaded to this Device Provisioning Service instance", and "${name}" as the primary certificate.`,
      command: cli('az iot dps enrollment-group create', [['dps-name', dps], ['resource-group', group], ['enrollment-id', ENROLLMENT_GROUP], ['ca-name', name]]),
    },
  ];
  if (result.batchSummary || devices.length === 0) {
    steps.push({
      text: 'Give each device its full chain (certs/<id>-full-chain.cert.pem: the device, the intermediates and the root) and its key (private/<id>.key.pem), from the ZIP; devices.csv lists every registration ID with its thumbprints. A device that sends only its own certificate is refused (DPS error 401002).',
    });
  } else {
    for (const device of devices) {
      const own = deviceFiles(device, result.files);
      steps.push({
        text: `Give ${device.commonName} its full chain (its certificate, the intermediates and the root, in that order) and its key${keyNamed(own)}. Its registration ID is its CN, "${device.commonName}". A device that sends only its own certificate is refused (DPS error 401002).`,
        file: { path: own.fullChain ?? own.certificate, thumbprintSha1: device.thumbprintSha1 },
      });
    }
  }
  steps.push({
    text: `Run your SDK's sample with its snippet: fill the Sample settings (ID scope from the DPS Overview page) and take the device's file for your language from snippets/ (SDK snippets, below), e.g. ${devices[0] ? `${deviceFiles(devices[0], result.files).snippetPrefix}provision_x509.py.env.sh` : 'snippets/<id>.provision_x509.py.env.sh'} for Python. The device appears in the hub's Devices list.`,
  });
  return steps;
}

/** IoT Edge (certGen.sh's certificates): the DPS individual enrollment of the identity, the files on the device, config.toml. */
export function edgeSteps(result, settings) {
  const { dps, group } = settingsOf(settings);
  const identity = result.chain.find((entry) => entry.role === 'edge-identity');
  const deviceCa = result.chain.find((entry) => entry.role === 'edge-ca');
  const root = result.chain.find((entry) => entry.role === 'root');
  const own = deviceFiles(identity, result.files);
  const config = result.files.find((file) => file.path.endsWith('.config.toml'));
  return [
    {
      text: `Create an individual enrollment for the device in DPS: Manage enrollments → Add individual enrollment, attestation X.509 client certificates, this identity certificate as the primary, and IoT Edge device: Enabled. The registration ID is its CN, "${identity.commonName}".`,
      file: { path: identity.certificatePath, thumbprintSha1: identity.thumbprintSha1 },
      command: `${cli('az iot dps enrollment create', [['dps-name', dps], ['resource-group', group], ['enrollment-id', identity.commonName], ['attestation-type', 'x509'], ['certificate-path', identity.certificatePath]])} --edge-enabled true`,
    },
    {
      text: `Copy to the device: the identity's full chain and key${keyNamed(own)}, the device CA${deviceCa ? ` ${deviceCa.certificatePath}` : ''} with its full chain and key, and the root${root ? ` ${root.certificatePath}` : ''} as the trust bundle. The runtime reads the keys unencrypted.`,
      file: own.fullChain ? { path: own.fullChain, thumbprintSha1: identity.thumbprintSha1 } : undefined,
    },
    {
      text: `Put the [provisioning] block of ${config ? config.path : 'the config.toml snippet'} into /etc/aziot/config.toml (with the folder where the files are), then run: sudo iotedge config apply. Check with: sudo iotedge check.`,
      file: config ? { path: config.path } : undefined,
    },
  ];
}

/** Individual enrollment: self-signed primary (and secondary), pinned by DPS. */
export function enrollmentSteps(result, settings) {
  const { dps, group } = settingsOf(settings);
  const primary = result.chain.find((entry) => entry.role === 'primary');
  const secondary = result.chain.find((entry) => entry.role === 'secondary');
  const registrationId = primary.commonName;
  const flags = [['dps-name', dps], ['resource-group', group], ['enrollment-id', registrationId], ['attestation-type', 'x509'], ['certificate-path', primary.certificatePath]];
  if (secondary) flags.push(['secondary-certificate-path', secondary.certificatePath]);
  const own = deviceFiles(primary, result.files);
  const steps = [
    {
      text: `Create the individual enrollment: your Device Provisioning Service → Manage enrollments → Add individual enrollment, attestation X.509 client certificates, and upload this primary certificate. The registration ID is its CN, "${registrationId}".`,
      file: { path: primary.certificatePath, thumbprintSha1: primary.thumbprintSha1 },
      command: cli('az iot dps enrollment create', flags),
    },
  ];
  if (secondary) {
    steps.push({
      text: 'Upload the secondary certificate in the same enrollment, as the secondary: DPS accepts either, so one can be replaced while the other works.',
      file: { path: secondary.certificatePath, thumbprintSha1: secondary.thumbprintSha1 },
    });
  }
  steps.push(
    {
      text: `Give the device its certificate and its key${keyNamed(own)}. DPS pins this certificate's thumbprint: a renewed certificate needs the enrollment updated.`,
      file: { path: primary.certificatePath, thumbprintSha1: primary.thumbprintSha1 },
    },
    {
      text: `Run your SDK's sample with its snippet from snippets/ (SDK snippets, below), e.g. ${own.snippetPrefix}provision_x509.py.env.sh for Python, with the ID scope from the DPS Overview page in the Sample settings.`,
    },
  );
  return steps;
}

/**
 * Event Grid's MQTT broker: the namespace with MQTT on, the intermediate
 * uploaded (not for thumbprint clients), each client registered with its
 * authentication name and scheme (the az script does both), a topic space
 * and permission bindings, then each client connects.
 */
export function eventGridSteps(result, settings) {
  const group = settings?.resourceGroup || GROUP;
  const namespace = '<your-namespace>';
  const intermediate = result.chain.find((entry) => entry.role === 'intermediate');
  const script = 'snippets/event-grid.az-cli.sh';
  const [first] = result.clients;
  const steps = [
    {
      text: 'Create the Event Grid namespace with the MQTT broker enabled (portal: the namespace → Configuration → Enable MQTT broker).',
      command: cli('az eventgrid namespace create', [['resource-group', group], ['name', namespace]]) + ' --topic-spaces-configuration "{state:Enabled}"',
    },
  ];
  if (intermediate) {
    steps.push({
      text: `Upload the intermediate, the clients' immediate issuer (not the root): the namespace → MQTT broker → CA certificates → + Certificate, with the name the script gives it. ${script} does this and the next step with az.`,
      file: { path: intermediate.certificatePath, thumbprintSha1: intermediate.thumbprintSha1 },
      command: `sh ${script}`,
    });
  }
  steps.push({
    text: `Register each client: MQTT broker → Clients → + Client, its name, its authentication name and the validation scheme ${first.validationScheme}${first.thumbprint ? ', with its SHA-256 thumbprint as the primary thumbprint' : ''}. ${result.clients.length} client(s): ${result.clients.map((c) => `${c.clientName} (${c.thumbprint ?? c.authenticationName})`).join(', ')}.`,
    command: intermediate ? undefined : `sh ${script}`,
  });
  steps.push({
    text: 'Add a topic space (e.g. the template contosotopics/topic1) and permission bindings for the $all client group: one as publisher, one as subscriber.',
  });
  for (const client of result.clients) {
    steps.push({
      text: `Connect ${client.clientName} to the namespace's MQTT hostname on port 8883 with ${client.fullChainPath} and ${client.keyPath}, user name "${client.authenticationName}" (snippets/${client.certificatePath.slice('certs/'.length, -'.cert.pem'.length)}.mosquitto_pub.sh or .paho_client.py).`,
      file: { path: client.fullChainPath },
    });
  }
  return steps;
}

/** Bring your own CA: the verification certificate goes to the portal's Verify step. */
export function verificationSteps({ ca, made, settings }) {
  const { dps, group } = settingsOf(settings);
  const name = certificateName(ca.commonName);
  const path = made.files.find((file) => file.path.endsWith('.cert.pem'))?.path ?? 'verification-code.cert.pem';
  return [
    {
      text: `In the portal, open the certificate of "${ca.commonName}" under Certificates (the one whose code you pasted) and upload this file at its Verify step. Its status turns Verified.`,
      file: { path, thumbprintSha1: made.thumbprintSha1 },
      command: cli('az iot dps certificate verify', [['dps-name', dps], ['resource-group', group], ['certificate-name', name], ['path', path], ['etag', ETAG]]),
    },
    {
      text: `Create the enrollment group with "${ca.commonName}" (DPS → Manage enrollments → Add enrollment group, certificates uploaded to this instance), or use it for IoT Hub's X.509 CA devices.`,
      command: cli('az iot dps enrollment-group create', [['dps-name', dps], ['resource-group', group], ['enrollment-id', ENROLLMENT_GROUP], ['ca-name', name]]),
    },
  ];
}

/** Bring your own CA: devices signed with it go to the devices; the CA must be verified in Azure. */
export function signedDevicesSteps({ ca, signed }) {
  const devices = signed.chain.filter((entry) => entry.role === 'device');
  return [
    {
      text: `Make sure "${ca.commonName}" (or the root above it) is uploaded and verified in DPS or IoT Hub, with an enrollment group using it (the Verification certificate above).`,
    },
    ...devices.map((device) => {
      const own = deviceFiles(device, signed.files);
      return {
        text: `Give ${device.commonName} its full chain and its key${keyNamed(own)}, and run the sample with its snippet from snippets/. A device that sends only its own certificate is refused (DPS error 401002).`,
        file: { path: own.fullChain ?? own.certificate, thumbprintSha1: device.thumbprintSha1 },
      };
    }),
  ];
}

const HEADING = 'NEXT STEPS IN THE AZURE PORTAL';

/** The steps as README.txt lines (CRLF, as the core writes it). */
export function stepsAsText(steps) {
  const lines = ['', HEADING, ''];
  steps.forEach((step, i) => {
    lines.push(`${i + 1}. ${step.text}`);
    if (step.file) lines.push(`   File: ${step.file.path}${step.file.thumbprintSha1 ? `  (SHA-1 ${step.file.thumbprintSha1})` : ''}`);
    if (step.command) for (const line of step.command.split('\n')) lines.push(`   $ ${line}`);
  });
  return `${lines.join('\r\n')}\r\n`;
}

const utf8 = { encode: (text) => new TextEncoder().encode(text), decode: (bytes) => new TextDecoder().decode(bytes) };

/**
 * `files` with the steps at the end of README.txt (when there is one), in
 * place of any written before (the same result shown again after new Sample settings).
 */
export function withStepsInReadme(files, steps) {
  return files.map((file) => {
    if (file.path !== 'README.txt') return file;
    const text = utf8.decode(file.contents);
    const cut = text.indexOf(`\r\n${HEADING}\r\n`);
    return { ...file, contents: utf8.encode((cut < 0 ? text : text.slice(0, cut)) + stepsAsText(steps)) };
  });
}

/** The result's file at `path`, when it has one. */
const hasFile = (result, path) => result.files.some((file) => file.path === path);

/** IoT Operations' MQTT broker: the ConfigMap, the BrokerAuthentication on a TLS port, each client publishing. */
export function iotOperationsSteps(result) {
  const root = result.chain.find((entry) => entry.role === 'root');
  const clients = result.chain.filter((entry) => entry.role === 'client');
  return [
    {
      text: 'Put the client root into a ConfigMap in the azure-iot-operations namespace (kubectl pointed at the cluster, from the folder the ZIP was unpacked into).',
      file: root ? { path: root.certificatePath, thumbprintSha1: root.thumbprintSha1 } : undefined,
      command: 'sh snippets/iot-operations.client-ca.configmap.sh',
    },
    {
      text: 'Create the BrokerAuthentication with the X.509 method trusting that ConfigMap and mapping each client\'s subject (and the intermediate\'s) to attributes; or add the same method with the Azure CLI (az-cli.sh, with RESOURCE_GROUP and AIO_INSTANCE set).',
      file: { path: 'snippets/iot-operations.broker-authentication.yaml' },
      command: 'kubectl apply -f snippets/iot-operations.broker-authentication.yaml',
    },
    {
      text: 'Link it to a TLS listener port: in the portal, MQTT Broker → the listener → the port\'s Authentication, or authenticationRef in the BrokerListener. X.509 needs TLS on that port.',
    },
    {
      text: `Give each client its full chain and key (${clients.map((c) => c.commonName).join(', ')}), then publish from each: set BROKER_CA_FILE to the CA of the broker's server certificate (and BROKER_HOST, BROKER_PORT when not localhost:8883).`,
      file: clients[0] ? { path: clients[0].certificatePath.replace(/\.cert\.pem$/, '-full-chain.cert.pem'), thumbprintSha1: clients[0].thumbprintSha1 } : undefined,
      command: 'BROKER_CA_FILE=<server root CA file> sh snippets/iot-operations.mosquitto_pub.sh',
    },
  ];
}

/** Azure Device Registry: the policy with your root, its CSR signed, the chain activated; devices send their CSRs. */
export function deviceRegistrySteps(result) {
  if (hasFile(result, 'snippets/device-registry.policy.az-cli.sh')) {
    const root = result.chain.find((entry) => entry.role === 'root');
    return [
      {
        text: 'Create the policy whose issuing CA this root signs (Device Registry namespace → Credential policies → Create, external CA), with ADR_NAMESPACE and RESOURCE_GROUP set. It waits for activation.',
        file: root ? { path: root.certificatePath, thumbprintSha1: root.thumbprintSha1 } : undefined,
        command: 'sh snippets/device-registry.policy.az-cli.sh',
      },
      { text: 'Download the policy\'s CSR (portal, or az iot adr ns policy show) and sign it on this tab with this root: its certificate and key, under "Sign the service\'s CSR".' },
    ];
  }
  if (hasFile(result, 'snippets/device-registry.activate-policy.az-cli.sh')) {
    return [
      {
        text: 'Activate the policy with the signed chain (the intermediate, then your root): upload it in the policy\'s details, or run the script with ADR_NAMESPACE and RESOURCE_GROUP set. The policy turns active.',
        command: 'sh snippets/device-registry.activate-policy.az-cli.sh',
      },
    ];
  }
  return [
    {
      text: 'Create the DPS enrollment group whose devices get certificates from the policy (with DPS_NAME and RESOURCE_GROUP set).',
      file: { path: 'snippets/device-registry.enrollment.az-cli.sh' },
      command: 'sh snippets/device-registry.enrollment.az-cli.sh',
    },
    {
      text: 'Give each device its key (private/) and its CSR (csr/<id>.csr.b64, one line of base64 DER): it sends the CSR when it provisions and gets its certificate chain back.',
    },
  ];
}
