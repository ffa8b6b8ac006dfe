using System.Text.Json;
using HotelBooking.Contracts;
using HotelBooking.Contracts.Common.V1;
using HotelBooking.Gateway.Security;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Proto = HotelBooking.Contracts.Availability.V1;

namespace HotelBooking.Gateway.Apis;

/// <summary>
/// The REST face of ImportInventory (client streaming): an NDJSON upload whose lines flow into the gRPC
/// stream as they arrive, never buffered whole. Lines the gateway cannot read are rejected here; the rest
/// are judged by the availability service; the reply merges both by line number.
/// </summary>
public static class InventoryAdminApi
{
    public const string NdjsonContentType = "application/x-ndjson";
    private const int MaxLineLength = 4096;
    private const long MaxImportBytes = 64L * 1024 * 1024;
    private const int MaxReportedErrors = 1_000;

    public static IEndpointRouteBuilder MapInventoryAdminApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/admin/inventory", ImportInventory)
            .WithTags("Admin")
            .WithName("ImportInventory")
            .WithSummary("Bulk inventory and rate updates as NDJSON: one {hotelId, roomTypeId, date, rooms, nightlyRate?} per line.")
            .RequireAuthorization(EdgeSecurityExtensions.AdminPolicy)
            .Accepts<InventoryLine>(NdjsonContentType)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        return app;
    }

    public static async Task<Results<Ok<ImportSummaryDto>, ProblemHttpResult>> ImportInventory(
        HttpContext http, Proto.AvailabilityService.AvailabilityServiceClient availability,
        IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions> json, CancellationToken cancellationToken)
    {
        if (!string.Equals(http.Request.ContentType?.Split(';')[0].Trim(), NdjsonContentType, StringComparison.OrdinalIgnoreCase))
        {
            return TypedResults.Problem($"Send the lines as {NdjsonContentType}.", statusCode: StatusCodes.Status415UnsupportedMediaType,
                title: "The request body must be NDJSON.");
        }

        // Imports are large by nature: this endpoint alone reads up to 64 MiB (about 500,000 lines).
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = MaxImportBytes;
        }

        var localErrors = new List<Proto.ImportError>();
        var localRejected = 0;
        using var call = availability.ImportInventory(cancellationToken: cancellationToken);
        using var reader = new StreamReader(http.Request.Body);
        var lineNumber = 0;
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            var (update, error) = Parse(line, lineNumber, json.Value.SerializerOptions);
            if (update is null)
            {
                localRejected++;
                if (localErrors.Count < MaxReportedErrors)
                {
                    localErrors.Add(new Proto.ImportError { Line = lineNumber, Message = error });
                }

                continue;
            }

            await call.RequestStream.WriteAsync(update, cancellationToken);
        }

        await call.RequestStream.CompleteAsync();
        var summary = await call;
        return TypedResults.Ok(new ImportSummaryDto(
            summary.Accepted,
            summary.Rejected + localRejected,
            localErrors.Concat(summary.Errors).OrderBy(e => e.Line).Take(MaxReportedErrors)
                .Select(e => new ImportErrorDto(e.Line, e.Message)).ToArray()));
    }

    private static (Proto.ImportInventoryRequest? Update, string Error) Parse(string line, int lineNumber, JsonSerializerOptions options)
    {
        if (line.Length > MaxLineLength)
        {
            return (null, $"The line is longer than {MaxLineLength} characters.");
        }

        InventoryLine? parsed;
        try
        {
            parsed = JsonSerializer.Deserialize<InventoryLine>(line, options);
        }
        catch (JsonException ex)
        {
            return (null, $"The line is not valid JSON ({ex.Path ?? "$"}).");
        }

        if (parsed is null || string.IsNullOrWhiteSpace(parsed.HotelId) || string.IsNullOrWhiteSpace(parsed.RoomTypeId) || parsed.Rooms is null)
        {
            return (null, "hotelId, roomTypeId, date and rooms are required.");
        }

        if (!DateOnly.TryParseExact(parsed.Date, "yyyy-MM-dd", out var date))
        {
            return (null, "date must be a date as YYYY-MM-DD.");
        }

        var update = new Proto.ImportInventoryRequest
        {
            HotelId = parsed.HotelId,
            RoomTypeId = parsed.RoomTypeId,
            Date = date.ToProtoDate(),
            Rooms = parsed.Rooms.Value,
            Line = lineNumber,
        };
        if (parsed.NightlyRate is { } rate)
        {
            if (Money.FromDecimal(rate.Amount, rate.Currency ?? "") is not { } money || rate.Currency?.Length != 3)
            {
                return (null, "nightlyRate must be {\"amount\": 95.00, \"currency\": \"EUR\"}.");
            }

            update.NightlyRate = money;
        }

        return (update, "");
    }
}

/// <summary>One NDJSON line of an inventory import.</summary>
public sealed record InventoryLine(string? HotelId, string? RoomTypeId, string? Date, int? Rooms, InventoryRate? NightlyRate);

public sealed record InventoryRate(decimal Amount, string? Currency);

public sealed record ImportSummaryDto(int Accepted, int Rejected, ImportErrorDto[] Errors);

public sealed record ImportErrorDto(int Line, string Message);
