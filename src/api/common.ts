// Pieces both kinds share.
import { z } from 'zod';

/** A Kubernetes object name (DNS subdomain). Bounded so CEL cost estimates stay small. */
export const ObjectNameSchema = z
  .string()
  .min(1)
  .max(253)
  .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/);

/** A reference to an object in the same namespace. There is deliberately no namespace field. */
export const LocalObjectReferenceSchema = z.object({
  name: ObjectNameSchema.describe('Name of the object, in the same namespace as this resource.'),
});

/** The metadata fields the operator reads. Unknown fields pass through untouched. */
export const ObjectMetaSchema = z.looseObject({
  name: z.string(),
  namespace: z.string().optional(),
  uid: z.string().optional(),
  generation: z.number().int().optional(),
  resourceVersion: z.string().optional(),
  creationTimestamp: z.union([z.string(), z.date()]).optional(),
  deletionTimestamp: z.union([z.string(), z.date()]).optional(),
  annotations: z.record(z.string(), z.string()).optional(),
  labels: z.record(z.string(), z.string()).optional(),
  finalizers: z.array(z.string()).optional(),
});
