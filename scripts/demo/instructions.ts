// What the demo prints once everything is Ready: how to look at it and poke it from another terminal.
import { dirname } from 'node:path';

export interface Environment {
  readonly kubeconfigPath: string;
  readonly kubectlPath: string;
  readonly namespace: string;
  readonly emulatorUrl: string;
  readonly operatorLog: string;
  readonly metricsUrl: string;
  /** A Web services integration's platform id, for the drift example. */
  readonly webServicesId: string | undefined;
  readonly resyncPeriod: string;
}

export function pokeInstructions(env: Environment): string {
  const ns = env.namespace;
  const id = env.webServicesId ?? '<status.integrationId of example-web-services>';
  return `
The demo is up. From another terminal:

  export KUBECONFIG=${env.kubeconfigPath}
  export PATH=${dirname(env.kubectlPath)}:$PATH   # for its kubectl

Look:
  kubectl get dai -n ${ns} -o wide
  kubectl get dataactions -n ${ns}
  kubectl describe dai example-web-services -n ${ns}
  kubectl get gcorg example-org -n ${ns} -o yaml
  kubectl get events -n ${ns} --sort-by=.lastTimestamp
  kubectl wait --for=condition=Ready dai/example-zendesk -n ${ns}

The operator's log (JSON lines), its metrics, and what the emulated platform holds:
  tail -f ${env.operatorLog}
  curl -s ${env.metricsUrl} | grep ^dataactions_
  curl -s ${env.emulatorUrl}/__emulator/state

Rotate a credential (reaches the platform within seconds; status.credentialsRevision changes):
  kubectl patch secret example-zendesk-credentials -n ${ns} --type merge -p '{"stringData":{"apiToken":"a-new-token"}}'

Break one (Synced=False, reason InvalidCredentials, naming the key and never its value), then mend it:
  kubectl patch secret example-zendesk-credentials -n ${ns} --type merge -p '{"stringData":{"baseUrl":"not-a-url"}}'
  kubectl patch secret example-zendesk-credentials -n ${ns} --type merge -p '{"stringData":{"baseUrl":"https://demo.zendesk.com"}}'

Ask for a name that is taken (the operator sets "Order Service 2" and says so in an Event):
  echo '{"apiVersion":"dataactions.dev/v1alpha1","kind":"DataActionIntegration","metadata":{"name":"second-order-service"},
    "spec":{"organizationRef":{"name":"example-org"},"type":"WebServices","displayName":"Order Service","webServices":{"credentialType":"None"}}}' \\
    | kubectl apply -n ${ns} -f -

Change it by hand on the platform (reverted at the next resync, every ${env.resyncPeriod} here; Event DriftReverted):
  curl -s -X PATCH -H 'content-type: application/json' -d '{"name":"Renamed by hand","notes":"Edited in the admin UI"}' ${env.emulatorUrl}/__emulator/integrations/${id}

Turn one off, then delete one (the integration and its credential leave the platform):
  kubectl patch dai example-salesforce -n ${ns} --type merge -p '{"spec":{"active":false}}'
  kubectl delete dai example-salesforce -n ${ns}

Press Ctrl-C here to stop the operator, the emulator and the control plane and remove their files.
`;
}
