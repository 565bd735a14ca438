// The IoT Operations tab (X.509 clients for its MQTT broker) and the Device
// Registry tab (your root, the service's CSR signed, device CSRs). Their
// jobs run in the CA module (`caRun`, the CA panel's worker), which holds
// these bindings; each form is a panel-form, so errors show at their fields.

import { createPanelForm, lines, wholeDays } from './panel-form.js';

/** The core's answer to `spec` as the field problems it names (for the live recheck). */
const problemsFrom = (attempt) => attempt.then(() => [], (error) => (error.field ? [{ field: error.field, message: error.message }] : []));

/** A file input's files as `{ name, contents }`. */
async function picked(input) {
  return Promise.all([...input.files].map(async (file) => ({ name: file.name, contents: new Uint8Array(await file.arrayBuffer()) })));
}

/**
 * @param {object} deps  what every panel shares (app.js), and `caRun(name, args, options)`
 * @returns {object[]} the panels, each with its `owner` tab
 */
export function createAzurePanels($, deps) {
  const { caRun } = deps;
  const formDeps = { ...deps, settings: { read: () => ({}), showingErrors: false, clearFixed: () => {} } };
  const noKeysAhead = async () => null;
  const made = (job, spec, options) => caRun(job, { ...spec, nowMs: Date.now() }, options);

  const iotOperations = createPanelForm($('aio-form'), formDeps, {
    controls: {
      clients: 'aio-clients', keyAlgorithm: 'aio-key', validityDays: 'aio-validity-days', rootCn: 'aio-root-cn', intermediateCn: 'aio-intermediate-cn',
      configMap: 'aio-config-map', authenticationName: 'aio-authentication-name', manufacturer: 'aio-manufacturer', caKeyPassword: 'aio-ca-key-password',
    },
    generate: 'aio-generate',
    cancel: 'aio-cancel',
    read: (control) => ({
      clients: lines(control('aio-clients').value),
      keyAlgorithm: control('aio-key').value,
      validityDays: wholeDays(control('aio-validity-days').value),
      rootCn: control('aio-root-cn').value.trim(),
      intermediateCn: control('aio-intermediate-cn').value.trim(),
      configMap: control('aio-config-map').value.trim(),
      authenticationName: control('aio-authentication-name').value.trim(),
      manufacturer: control('aio-manufacturer').value.trim(),
      caKeyPassword: control('aio-ca-key-password').value,
    }),
    make: (spec, { signal }) => made('makeIotOperationsClients', spec, { signal }),
    keysNeeded: noKeysAhead,
    problems: (spec) => problemsFrom(made('makeIotOperationsClients', spec)),
    view: () => ({ title: 'IoT Operations broker clients', zipName: 'azure-iot-operations-clients.zip' }),
  });

  const root = createPanelForm($('adr-root-form'), formDeps, {
    controls: { rootCn: 'adr-root-cn', keyAlgorithm: 'adr-root-key', validityDays: 'adr-root-validity-days', policyName: 'adr-root-policy', caKeyPassword: 'adr-root-ca-key-password' },
    generate: 'adr-root-generate',
    cancel: 'adr-root-cancel',
    read: (control) => ({
      rootCn: control('adr-root-cn').value.trim(),
      keyAlgorithm: control('adr-root-key').value,
      validityDays: wholeDays(control('adr-root-validity-days').value),
      policyName: control('adr-root-policy').value.trim(),
      caKeyPassword: control('adr-root-ca-key-password').value,
    }),
    make: (spec, { signal }) => caRun('makeDeviceRegistryRoot', { spec, nowMs: Date.now() }, { signal }),
    keysNeeded: noKeysAhead,
    problems: async () => [],
    view: () => ({ title: 'Device Registry root', zipName: 'device-registry-root.zip' }),
  });

  // The root is imported into a session of its own for the one signature, then the session (and its key) is freed.
  async function signIntermediate(spec, { signal }) {
    const files = await picked($('adr-sign-root'));
    const [csr] = await picked($('adr-sign-csr'));
    if (!files.length) throw Object.assign(new Error('Choose your root\'s certificate and key (PEM files, or a PFX).'), { field: 'ca' });
    if (!csr) throw Object.assign(new Error('Choose the policy\'s CSR.'), { field: 'csr' });
    const session = 'device-registry-sign';
    try {
      const { cas } = await caRun('importCa', { session, files, password: spec.password || undefined, nowMs: Date.now() }, { signal }).catch((error) => {
        throw Object.assign(error, { field: error.field === 'password' ? 'password' : 'ca' });
      });
      const ca = cas.find((c) => c.role === 'root') ?? cas[0];
      const signed = await made('signDeviceRegistryIntermediate', { session, caId: ca.id, csr, validityDays: spec.validityDays, policyName: spec.policyName }, { signal });
      return { files: signed.files, chain: [], outcome: `Signed "${signed.commonName}" (SHA-1 ${signed.thumbprintSha1}) with your root "${ca.commonName}".` };
    } finally {
      await caRun('closeCaSession', { session });
    }
  }

  const sign = createPanelForm($('adr-sign-form'), formDeps, {
    controls: { ca: 'adr-sign-root', password: 'adr-sign-password', csr: 'adr-sign-csr', validityDays: 'adr-sign-validity-days', policyName: 'adr-sign-policy' },
    generate: 'adr-sign-generate',
    cancel: 'adr-sign-cancel',
    read: (control) => ({
      password: control('adr-sign-password').value,
      validityDays: wholeDays(control('adr-sign-validity-days').value),
      policyName: control('adr-sign-policy').value.trim(),
    }),
    make: signIntermediate,
    keysNeeded: noKeysAhead,
    problems: async () => [],
    view: () => ({ title: 'Service CA signed', zipName: 'device-registry-issuing-ca.zip' }),
  });

  const csrs = createPanelForm($('adr-csr-form'), formDeps, {
    controls: { devices: 'adr-csr-devices', enrollmentId: 'adr-csr-enrollment', policyName: 'adr-csr-policy' },
    generate: 'adr-csr-generate',
    cancel: 'adr-csr-cancel',
    read: (control) => ({
      devices: lines(control('adr-csr-devices').value),
      enrollmentId: control('adr-csr-enrollment').value.trim(),
      policyName: control('adr-csr-policy').value.trim(),
    }),
    make: async (spec, { signal }) => {
      const result = await made('makeDeviceRegistryCsrs', spec, { signal });
      return { files: result.files, chain: [], outcome: `Keys and CSRs for ${result.requests.length} device(s).` };
    },
    keysNeeded: noKeysAhead,
    problems: (spec) => problemsFrom(made('makeDeviceRegistryCsrs', spec)),
    view: () => ({ title: 'Device CSRs', zipName: 'device-registry-csrs.zip' }),
  });

  return [
    Object.assign(iotOperations, { owner: 'iot-operations' }),
    Object.assign(root, { owner: 'device-registry' }),
    Object.assign(sign, { owner: 'device-registry' }),
    Object.assign(csrs, { owner: 'device-registry' }),
  ];
}
