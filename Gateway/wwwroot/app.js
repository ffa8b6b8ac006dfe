// The HotelBooking page: plain JavaScript modules over the public REST API, no build step.
// Everything it does, a third-party page could do too (with its origin allowed by CORS).

const $ = (selector) => document.querySelector(selector);

// search: the last city search (its query, next page); hotel: the hotel opened from its offers, with the stay.
const state = { search: null, hotel: null, opening: null, rooms: [], events: null, booking: null, attempt: null };

// Offers per page: a short first list, the rest behind "More hotels".
const OFFERS_PER_PAGE = 5;

// ---- Talking to the API -------------------------------------------------------------------------

// A failed call: the problem the server sent, and its HTTP status (none when no answer arrived).
class ProblemError extends Error {
  constructor(problem, status) {
    super(problem.detail || problem.title || "Something went wrong.");
    this.problem = problem;
    this.status = status;
  }
}

async function api(path, options = {}) {
  let response;
  try {
    response = await fetch(path, { headers: { Accept: "application/json", ...options.headers }, ...options });
  } catch {
    throw new ProblemError({ title: "Network error", detail: "The server could not be reached. Check your connection and try again." });
  }
  const isJson = (response.headers.get("Content-Type") || "").includes("json");
  const body = isJson ? await response.json() : null;
  if (!response.ok) {
    throw new ProblemError(body ?? { title: `Error ${response.status}`, detail: `The server answered ${response.status}.` }, response.status);
  }
  return body;
}

// ---- Showing problems: the detail in the form's message, field errors next to their fields ------

function clearErrors(form, message) {
  form.querySelectorAll(".field-error").forEach((p) => { p.textContent = ""; });
  form.querySelectorAll("[aria-invalid]").forEach((input) => input.removeAttribute("aria-invalid"));
  setMessage(message, "");
}

function showProblem(error, form, message) {
  const problem = error.problem ?? { detail: error.message };
  let shownNextToField = false;
  for (const [field, messages] of Object.entries(problem.errors ?? {})) {
    // Field errors can name any field on the page (a booking's dates live in the search form).
    const slot = document.querySelector(`.field-error[data-field="${CSS.escape(field)}"]`);
    if (slot) {
      slot.textContent = messages.join(" ");
      document.querySelector(`[aria-describedby="${slot.id}"]`)?.setAttribute("aria-invalid", "true");
      shownNextToField = true;
    }
  }
  const detail = shownNextToField ? "Please correct the highlighted fields." : problem.detail || problem.title;
  setMessage(message, detail, "error");
  if (shownNextToField) {
    document.querySelector('[aria-invalid="true"]')?.focus();
  }
}

function setMessage(element, text, kind = "") {
  element.textContent = text;
  element.className = `message ${kind}`;
}

const money = (m) => new Intl.NumberFormat(undefined, { style: "currency", currency: m.currency }).format(m.amount);

// ---- Search by city, then a hotel's rooms with live availability -------------------------------

async function loadCities() {
  const cities = await api("/api/cities");
  $("#city").append(...cities.map((city) =>
    new Option(`${city.name} (${city.hotelCount} ${city.hotelCount === 1 ? "hotel" : "hotels"})`, city.name)));
}

function defaultDates() {
  const day = (offset) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
  $("#check-in").value = day(14);
  $("#check-out").value = day(17);
}

async function search(event) {
  event.preventDefault();
  const form = $("#search-form");
  clearErrors(form, $("#search-message"));
  const query = new URLSearchParams({
    city: $("#city").value, checkIn: $("#check-in").value, checkOut: $("#check-out").value, guests: $("#guests").value,
  });
  try {
    const page = await api(`/api/search?${query}&pageSize=${OFFERS_PER_PAGE}`);
    // A new search starts over: the hotel, its rooms and the booking form belonged to the last one.
    closeHotel();
    state.search = { city: page.city, query };
    $("#offers-city").textContent = page.city;
    $("#offer-rows").replaceChildren();
    renderOffers(page);
    $("#offers").hidden = false;
  } catch (error) {
    showProblem(error, form, $("#search-message"));
  }
}

// The next page of the same search; the button is off while it loads, so a double click adds one page.
async function moreOffers() {
  const button = $("#more-offers");
  const current = state.search;
  button.disabled = true;
  setMessage($("#offers-message"), "");
  try {
    const page = await api(`/api/search?${current.query}&pageSize=${OFFERS_PER_PAGE}&pageToken=${encodeURIComponent(current.nextPageToken)}`);
    // A search made meanwhile has its own list.
    if (state.search === current) {
      renderOffers(page);
    }
  } catch (error) {
    showProblem(error, null, $("#offers-message"));
  } finally {
    button.disabled = false;
  }
}

function renderOffers(page) {
  state.search.nextPageToken = page.nextPageToken;
  const body = $("#offer-rows");
  body.append(...page.offers.map((offer) => {
    const row = document.createElement("tr");
    row.dataset.hotelId = offer.hotelId;
    row.dataset.total = offer.cheapestRoom.totalPrice.amount;
    const room = offer.cheapestRoom;
    const cells = [offer.name, room.name, room.available, money(room.totalPrice)].map((text) => {
      const cell = document.createElement("td");
      cell.textContent = text;
      return cell;
    });
    const open = document.createElement("button");
    open.type = "button";
    open.textContent = "See rooms";
    open.setAttribute("aria-label", `See rooms at ${offer.name}`);
    open.addEventListener("click", () => openHotel(offer));
    const action = document.createElement("td");
    action.append(open);
    row.append(...cells, action);
    return row;
  }));
  if (body.rows.length === 0) {
    const cell = body.insertRow().insertCell();
    cell.colSpan = 5;
    cell.textContent = "No hotel there has a room for that stay and party.";
  }
  $("#more-offers").hidden = !page.nextPageToken;
}

// A hotel's room types for the searched stay (not whatever the form says now), then live updates.
async function openHotel(offer) {
  const { query } = state.search;
  const stay = new URLSearchParams({ checkIn: query.get("checkIn"), checkOut: query.get("checkOut"), guests: query.get("guests") });
  const opening = (state.opening = offer);
  setMessage($("#offers-message"), "");
  try {
    const availability = await api(`/api/hotels/${encodeURIComponent(offer.hotelId)}/availability?${stay}`);
    // Two hotels opened in quick succession: the last one clicked wins, whichever answers last.
    if (state.opening !== opening) {
      return;
    }
    closeHotel();
    state.hotel = { hotelId: offer.hotelId, stay };
    $("#results-hotel").textContent = offer.name;
    renderRooms(availability);
    watch(offer.hotelId, stay);
    $("#results-title").focus();
  } catch (error) {
    showProblem(error, null, $("#offers-message"));
  }
}

function closeHotel() {
  state.events?.close();
  state.events = null;
  state.hotel = null;
  $("#live").hidden = true;
  $("#results").hidden = true;
  $("#booking").hidden = true;
}

function renderRooms(availability) {
  state.rooms = availability.rooms;
  const body = $("#rooms");
  body.replaceChildren(...availability.rooms.map((room) => {
    const row = document.createElement("tr");
    row.dataset.roomTypeId = room.roomTypeId;
    const book = document.createElement("button");
    book.type = "button";
    book.textContent = "Choose";
    book.disabled = room.available === 0;
    book.setAttribute("aria-label", `Choose ${room.name}`);
    book.addEventListener("click", () => chooseRoom(room));
    const cells = [room.name, room.capacity, room.available, money(room.totalPrice)].map((text) => {
      const cell = document.createElement("td");
      cell.textContent = text;
      return cell;
    });
    cells[2].className = "available";
    const action = document.createElement("td");
    action.append(book);
    row.append(...cells, action);
    return row;
  }));
  if (availability.rooms.length === 0) {
    const row = body.insertRow();
    const cell = row.insertCell();
    cell.colSpan = 5;
    cell.textContent = "No room type sleeps that many guests.";
  }
  $("#results").hidden = false;
}

// Server-Sent Events: the table follows every booking, cancellation or import as it happens.
function watch(hotelId, query) {
  state.events?.close();
  const events = new EventSource(`/api/hotels/${encodeURIComponent(hotelId)}/availability/stream?${query}`);
  events.addEventListener("availability", (message) => {
    $("#live").hidden = false;
    renderRooms(JSON.parse(message.data));
  });
  events.addEventListener("error", () => { $("#live").hidden = true; });
  state.events = events;
}

// ---- Booking ------------------------------------------------------------------------------------

function chooseRoom(room) {
  state.room = room;
  $("#booking-room").textContent = `— ${room.name}, ${money(room.totalPrice)}`;
  $("#booking").hidden = false;
  clearErrors($("#booking-form"), $("#booking-message"));
  $("#guest-name").focus();
}

async function book(event) {
  event.preventDefault();
  const form = $("#booking-form");
  const message = $("#booking-message");
  clearErrors(form, message);
  const { hotelId, stay } = state.hotel;
  const body = {
    hotelId,
    roomTypeId: state.room.roomTypeId,
    checkIn: stay.get("checkIn"),
    checkOut: stay.get("checkOut"),
    guests: Number(stay.get("guests")),
    guest: { name: $("#guest-name").value, email: $("#guest-email").value },
    paymentToken: $("#card").value,
  };
  const request = JSON.stringify(body);
  const key = idempotencyKeyFor(request);
  const button = form.querySelector("button");
  button.disabled = true;
  try {
    const booking = await api("/api/bookings", {
      method: "POST",
      headers: { "Content-Type": "application/json", "Idempotency-Key": key },
      body: request,
    });
    state.attempt = null;
    showBooking(booking);
    setMessage(message, "Booked. Your confirmation is below.", "ok");
  } catch (error) {
    const undecided = isUndecided(error);
    if (!undecided) {
      state.attempt = null;
    }
    if (undecided && error.status !== 429) {
      setMessage(message, "Your booking is not confirmed yet: it may still go through. Press “Book and pay” again "
        + "to see how it ended; you will not be booked or charged twice.", "error");
    } else {
      showProblem(error, form, message);
    }
  } finally {
    button.disabled = false;
  }
}

// One Idempotency-Key per booking attempt, kept until the attempt has an outcome: pressing again after a
// timeout or a lost answer sends the same key, and the server answers with the first attempt's outcome
// instead of booking again. A different request (any field changed: hotel, room, dates, guests, guest,
// card) is a new attempt with a new key.
function idempotencyKeyFor(request) {
  if (state.attempt?.request !== request) {
    state.attempt = { request, key: crypto.randomUUID() };
  }
  return state.attempt.key;
}

// No outcome yet: no answer at all, a failure on the way (5xx, e.g. 504 or 503 BOOKING_PENDING), a request
// not taken (429), or the first attempt still running (409 REQUEST_IN_PROGRESS). Anything else is final:
// a booking, or a refusal such as 400, 402, 409 or 422.
function isUndecided(error) {
  const status = error.status;
  return status === undefined || status >= 500 || status === 429 || error.problem?.reason === "REQUEST_IN_PROGRESS";
}

function showBooking(booking) {
  state.booking = booking;
  $("#booking-id").textContent = booking.id;
  $("#booking-status").textContent = booking.status;
  $("#booking-stay").textContent = `${booking.checkIn} to ${booking.checkOut}, ${booking.guests} guest(s)`;
  $("#booking-total").textContent = money(booking.total);
  $("#cancel-booking").hidden = booking.status !== "Confirmed";
  setMessage($("#confirmation-message"), "");
  $("#confirmation").hidden = false;
}

async function cancel() {
  const message = $("#confirmation-message");
  try {
    const booking = await api(`/api/bookings/${encodeURIComponent(state.booking.id)}/cancel`, { method: "POST" });
    showBooking(booking);
    setMessage(message, "Cancelled. The payment was refunded.", "ok");
  } catch (error) {
    showProblem(error, null, message);
  }
}

async function lookup(event) {
  event.preventDefault();
  const message = $("#lookup-message");
  setMessage(message, "");
  const id = $("#lookup-id").value.trim();
  if (!id) {
    setMessage(message, "Enter a booking id.", "error");
    return;
  }
  try {
    showBooking(await api(`/api/bookings/${encodeURIComponent(id)}`));
    $("#confirmation-title").focus?.();
  } catch (error) {
    showProblem(error, null, message);
  }
}

// ---- Start --------------------------------------------------------------------------------------

$("#search-form").addEventListener("submit", search);
$("#more-offers").addEventListener("click", moreOffers);
$("#booking-form").addEventListener("submit", book);
$("#lookup-form").addEventListener("submit", lookup);
$("#cancel-booking").addEventListener("click", cancel);
defaultDates();
loadCities().catch((error) => showProblem(error, null, $("#search-message")));
