import type { paths as BookingPaths } from './generated/booking-service.ts';
import type { paths as DispatchPaths } from './generated/dispatch-service.ts';

export type { BookingPaths, DispatchPaths };

type JsonOf<T> = T extends { content: { 'application/json': infer Body } } ? Body : never;
type RequestJson<Operation> = Operation extends { requestBody?: infer Body } ? JsonOf<NonNullable<Body>> : never;
type ResponseJson<Operation, Status extends number> = Operation extends { responses: { [S in Status]: infer Response } } ? JsonOf<Response> : never;
type Query<Operation> = Operation extends { parameters: { query?: infer Q } } ? NonNullable<Q> : never;

export type RiderRegistration = RequestJson<BookingPaths['/auth/users/register']['post']>;
export type DriverRegistration = RequestJson<BookingPaths['/auth/drivers/register']['post']>;
export type Credentials = RequestJson<BookingPaths['/auth/users/login']['post']>;
export type RiderSession = ResponseJson<BookingPaths['/auth/users/register']['post'], 201>;
export type DriverSession = ResponseJson<BookingPaths['/auth/drivers/register']['post'], 201>;
export type RiderLogin = ResponseJson<BookingPaths['/auth/users/login']['post'], 200>;
export type DriverLogin = ResponseJson<BookingPaths['/auth/drivers/login']['post'], 200>;
export type TokenPair = ResponseJson<BookingPaths['/auth/refresh']['post'], 200>;

export type NewBooking = RequestJson<BookingPaths['/bookings']['post']>;
export type Booking = ResponseJson<BookingPaths['/bookings/{id}']['get'], 200>;
export type BookingList = ResponseJson<BookingPaths['/bookings']['get'], 200>;
export type BookingQuery = Query<BookingPaths['/bookings']['get']>;
export type BookingStatus = Booking['status'];
export type Cancellation = RequestJson<BookingPaths['/bookings/{id}/cancel']['post']>;

export type DriverLocation = RequestJson<DispatchPaths['/drivers/me/location']['put']>;
export type NearbyQuery = Query<DispatchPaths['/drivers/nearby']['get']>;
export type NearbyDrivers = ResponseJson<DispatchPaths['/drivers/nearby']['get'], 200>;
