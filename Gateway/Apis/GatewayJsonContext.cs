using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Mvc;

namespace HotelBooking.Gateway.Apis;

/// <summary>
/// Source-generated JSON for every shape the REST API, the SSE stream and the quotes socket read or write:
/// no reflection, no serializer built at first use. First in the HTTP JSON options' resolver chain
/// (GatewayServiceExtensions); the reflection resolver stays behind it, so a type missing here still works,
/// only slower. A new endpoint adds a line for each type it reads and each it answers with (an array
/// of a DTO is a type of its own).
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
// Hotels and availability
[JsonSerializable(typeof(HotelDto))]
[JsonSerializable(typeof(HotelDto[]))]
[JsonSerializable(typeof(AvailabilityDto))]
// Cities and search
[JsonSerializable(typeof(CityDto[]))]
[JsonSerializable(typeof(SearchResultDto))]
[JsonSerializable(typeof(StreamErrorDto))]
[JsonSerializable(typeof(QuoteCriteria))]
[JsonSerializable(typeof(QuoteMessage))]
[JsonSerializable(typeof(QuoteErrorMessage))]
// Bookings
[JsonSerializable(typeof(CreateBookingRequest))]
[JsonSerializable(typeof(BookingDto))]
// Admin
[JsonSerializable(typeof(InventoryLine))]
[JsonSerializable(typeof(ImportSummaryDto))]
// Problems, and the values their extensions carry (traceId, reason, bookingId)
[JsonSerializable(typeof(ProblemDetails))]
[JsonSerializable(typeof(HttpValidationProblemDetails))]
[JsonSerializable(typeof(string))]
internal sealed partial class GatewayJsonContext : JsonSerializerContext;
