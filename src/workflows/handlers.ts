// Registers an update with its validator, both typed from the update's definition (the SDK's
// setHandler cannot infer the validator's argument types).
import type { UpdateDefinition } from '@temporalio/common';
import { setHandler } from '@temporalio/workflow';

export function onUpdate<Ret, Args extends unknown[]>(
  definition: UpdateDefinition<Ret, Args>,
  handler: (...args: NoInfer<Args>) => Promise<NoInfer<Ret>>,
  validator: (...args: NoInfer<Args>) => void,
): void {
  setHandler(definition, handler, { validator });
}
