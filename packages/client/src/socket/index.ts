// Placeholder: the socket clients (connectRiderSocket, connectDriverOffersSocket...) replace this file at merge.
export {};
