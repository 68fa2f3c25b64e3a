// AWS Lambda data actions: Genesys Cloud assumes an IAM role that may invoke the functions.
import { planCredential } from './credential-plan.ts';
import { defineKind } from './kind.ts';
import { defineSecretSchema, matching } from './secret-schema.ts';

// arn:<partition>:iam::<account>:role/<path/><name>, in the partitions Genesys Cloud regions run in.
const IAM_ROLE_ARN = /^arn:aws(?:-cn|-us-gov)?:iam::\d{12}:role\/(?:[\w+=,.@-]+\/)*[\w+=,.@-]{1,64}$/;

const secret = defineSecretSchema({
  // An ARN names the role; what lets Genesys Cloud assume it is the role's trust policy, not a secret.
  roleArn: { secret: false, rule: matching(IAM_ROLE_ARN, 'must be an IAM role ARN ("arn:aws:iam::<12-digit account>:role/<name>")') },
});

// Slot, type and field: docs/platform-facts.md §3, CONFIRMED (DevOps integration-lambda-module).
const credential = planCredential({
  credentialTypeName: 'amazonWebServicesARN',
  secret,
  fields: (v) => ({ ARN: v.roleArn }),
});

export const awsLambda = defineKind<undefined>({
  type: 'AWSLambda',
  title: 'AWS Lambda',
  platformTypeId: 'aws-lambda-data-actions',
  catalogueMatch: (entry) => entry.id === 'aws-lambda-data-actions',
  installLimit: 10,
  credentialSlot: 'AmazonWebServicesARN',
  credentials: () => credential,
});
