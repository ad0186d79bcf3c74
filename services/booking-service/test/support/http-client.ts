import { randomUUID } from 'node:crypto';
import type { FastifyInstance, InjectOptions } from 'fastify';

export interface Session {
  readonly id: string;
  readonly token: string;
}

const place = (lat: number, lng: number, address: string) => ({ lat, lng, address });
export const PICKUP = place(12.9716, 77.5946, '123 Street, City');
export const DROPOFF = place(12.9352, 77.6245, '456 Avenue, City');

/** Drives booking-service through its public HTTP contract (in-process, with inject). */
export class BookingClient {
  constructor(private readonly app: FastifyInstance) {}

  request(options: InjectOptions & { token?: string }) {
    const { token, headers, ...rest } = options;
    return this.app.inject({ ...rest, headers: { ...headers, ...(token ? { authorization: `Bearer ${token}` } : {}) } });
  }

  async registerUser(): Promise<Session> {
    const response = await this.request({
      method: 'POST',
      url: '/auth/users/register',
      payload: { name: 'Rider', email: `rider-${randomUUID()}@example.com`, password: 'correct horse battery' },
    });
    const body = response.json();
    return { id: body.user.id, token: body.access_token };
  }

  async registerDriver(): Promise<Session> {
    const response = await this.request({
      method: 'POST',
      url: '/auth/drivers/register',
      payload: {
        name: 'Driver',
        email: `driver-${randomUUID()}@example.com`,
        password: 'correct horse battery',
        vehicle: { plate: 'KA-01-1234', model: 'Swift' },
      },
    });
    const body = response.json();
    return { id: body.driver.id, token: body.access_token };
  }

  async book(user: Session): Promise<{ booking_id: string; status: string }> {
    const response = await this.request({ method: 'POST', url: '/bookings', token: user.token, payload: { pickup: PICKUP, dropoff: DROPOFF } });
    if (response.statusCode !== 201) throw new Error(`booking failed: ${response.statusCode} ${response.body}`);
    return response.json();
  }

  act(driverOrUser: Session, bookingId: string, action: 'accept' | 'start' | 'complete' | 'cancel', payload?: object) {
    return this.request({
      method: 'POST',
      url: `/bookings/${bookingId}/${action}`,
      token: driverOrUser.token,
      ...(payload ? { payload } : {}),
    });
  }
}
