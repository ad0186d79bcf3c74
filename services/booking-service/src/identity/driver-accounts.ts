import type { PrismaClient } from '../db/client.ts';
import type { Driver } from '../generated/prisma/client.ts';
import { createAccount, loginAccount, type HashingSlot } from './credentials.ts';

export interface Vehicle {
  readonly plate: string;
  readonly model: string;
}

/** A driver as API.md shows it. */
export interface DriverView {
  readonly id: string;
  readonly name: string;
  readonly email: string;
  readonly vehicle: Vehicle;
}

const view = (driver: Driver): DriverView => ({
  id: driver.id,
  name: driver.name,
  email: driver.email,
  vehicle: { plate: driver.vehiclePlate, model: driver.vehicleModel },
});

/** Creates a driver; EMAIL_TAKEN (409) when the email, in any case, is already a driver's. */
export async function registerDriver(
  prisma: PrismaClient,
  input: { readonly name: string; readonly email: string; readonly password: string; readonly vehicle: Vehicle },
  inSlot: HashingSlot,
): Promise<DriverView> {
  const data = { name: input.name.trim(), vehiclePlate: input.vehicle.plate.trim(), vehicleModel: input.vehicle.model.trim() };
  return view(await createAccount(prisma.driver, data, input, inSlot));
}

/** The driver with these credentials; INVALID_CREDENTIALS (401) otherwise. */
export async function loginDriver(
  prisma: PrismaClient,
  input: { readonly email: string; readonly password: string },
  inSlot: HashingSlot,
): Promise<DriverView> {
  return view(await loginAccount(prisma.driver, input, inSlot));
}
