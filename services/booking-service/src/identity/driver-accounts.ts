import type { PrismaClient } from '../db/client.ts';
import type { Driver } from '../generated/prisma/client.ts';
import { checkCredentials, isUniqueViolation, type HashingSlot } from './credentials.ts';
import { normalizeEmail } from './email.ts';
import { identityErrors } from './errors.ts';
import { hashPassword } from './password.ts';

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
  const passwordHash = await inSlot(() => hashPassword(input.password));
  try {
    const driver = await prisma.driver.create({
      data: {
        name: input.name.trim(),
        email: normalizeEmail(input.email),
        passwordHash,
        vehiclePlate: input.vehicle.plate.trim(),
        vehicleModel: input.vehicle.model.trim(),
      },
    });
    return view(driver);
  } catch (error) {
    if (isUniqueViolation(error)) throw identityErrors.EMAIL_TAKEN();
    throw error;
  }
}

/** The driver with these credentials; INVALID_CREDENTIALS (401) otherwise. */
export async function loginDriver(
  prisma: PrismaClient,
  input: { readonly email: string; readonly password: string },
  inSlot: HashingSlot,
): Promise<DriverView> {
  const account = await prisma.driver.findUnique({ where: { email: normalizeEmail(input.email) } });
  const verified = await checkCredentials(account, input.password, (checked, passwordHash) =>
    prisma.driver.update({ where: { id: checked.id }, data: { passwordHash } }),
    inSlot,
  );
  return view(verified);
}
