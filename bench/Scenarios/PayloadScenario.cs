using System.IO.Compression;
using System.Text;
using System.Text.Json;
using Google.Protobuf;
using HotelBooking.Contracts;
using HotelBooking.Contracts.Common.V1;
using HotelBooking.Gateway.Apis;
using AvailabilityProto = HotelBooking.Contracts.Availability.V1;
using BookingProto = HotelBooking.Contracts.Booking.V1;

namespace HotelBooking.Bench.Scenarios;

/// <summary>
/// Bytes on the wire for this system's real message shapes: the JSON the gateway sends browsers against
/// the Protobuf the services send each other, raw and compressed. It says for which shapes the usual
/// "Protobuf is 70–90% smaller" claim holds here.
/// </summary>
public static class PayloadScenario
{
    internal static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);

    public static string Run()
    {
        var report = new StringBuilder()
            .AppendLine("| message | JSON | Protobuf | Protobuf / JSON | JSON gzip | Protobuf gzip | gzip ratio | JSON brotli | Protobuf brotli | brotli ratio | 70–90% smaller? |")
            .AppendLine("|---|---|---|---|---|---|---|---|---|---|---|");
        foreach (var (name, json, proto) in Messages())
        {
            var (jsonGzip, protoGzip) = (Gzip(json), Gzip(proto));
            var (jsonBrotli, protoBrotli) = (Brotli(json), Brotli(proto));
            var saving = 1 - (double)proto.Length / json.Length;
            report.AppendLine($"| {name} | {json.Length} | {proto.Length} | {Ratio(proto, json)} | {jsonGzip} | {protoGzip} | {(double)protoGzip / jsonGzip:F2} | "
                + $"{jsonBrotli} | {protoBrotli} | {(double)protoBrotli / jsonBrotli:F2} | {(saving is >= 0.70 and <= 0.90 ? "yes" : saving > 0.90 ? "more" : "no")} ({saving:P0} raw) |");
        }

        return report.ToString();
    }

    internal static IEnumerable<(string Name, byte[] Json, byte[] Proto)> Messages()
    {
        var hotels = Catalog();
        yield return ("hotel list (3 hotels, 9 room types)",
            JsonSerializer.SerializeToUtf8Bytes(hotels.Select(HotelDto.From).ToArray(), Web),
            new AvailabilityProto.ListHotelsResponse { Hotels = { hotels } }.ToByteArray());

        foreach (var roomTypes in new[] { 1, 5, 20 })
        {
            var availability = Availability(roomTypes);
            yield return ($"availability, {roomTypes} room type{(roomTypes == 1 ? "" : "s")}",
                JsonSerializer.SerializeToUtf8Bytes(AvailabilityDto.From(availability), Web),
                availability.ToByteArray());
        }

        var booking = Booking();
        yield return ("a booking",
            JsonSerializer.SerializeToUtf8Bytes(BookingDto.From(booking), Web),
            new BookingProto.GetBookingResponse { Booking = booking }.ToByteArray());
    }

    // The seeded catalogue's shape: three hotels, two to four room types each.
    internal static List<AvailabilityProto.Hotel> Catalog() =>
    [
        Hotel("alfama-riverside", "Alfama Riverside", "Lisbon", "EUR", ("single", "Single Room", 1, 80_00), ("double", "Double Room", 2, 120_00), ("family", "Family Suite", 4, 240_00)),
        Hotel("spree-loft", "Spree Loft Hotel", "Berlin", "EUR", ("single", "Single Room", 1, 90_00), ("double", "Double Room", 2, 140_00), ("loft", "Loft Suite", 3, 260_00), ("penthouse", "Penthouse", 4, 480_00)),
        Hotel("harbour-view", "Harbour View Inn", "Edinburgh", "GBP", ("double", "Double Room", 2, 110_00), ("twin", "Twin Room", 2, 105_00)),
    ];

    private static AvailabilityProto.Hotel Hotel(string id, string name, string city, string currency, params (string Suffix, string Name, int Capacity, long Rate)[] roomTypes) => new()
    {
        HotelId = id,
        Name = name,
        City = city,
        RoomTypes = { roomTypes.Select(r => new AvailabilityProto.RoomType { RoomTypeId = $"{id}-{r.Suffix}", Name = r.Name, Capacity = r.Capacity, NightlyRate = Money.FromMinor(r.Rate, currency) }) },
    };

    internal static AvailabilityProto.StayAvailability Availability(int roomTypes) => new()
    {
        HotelId = "spree-loft",
        CheckIn = new DateOnly(2027, 3, 1).ToProtoDate(),
        CheckOut = new DateOnly(2027, 3, 4).ToProtoDate(),
        Guests = 2,
        Rooms =
        {
            Enumerable.Range(1, roomTypes).Select(i => new AvailabilityProto.RoomAvailability
            {
                RoomTypeId = $"spree-loft-type-{i}", Name = $"Room type {i}", Capacity = 2 + i % 3, Available = 3 + i % 9,
                TotalPrice = Money.FromMinor(3 * (100_00 + i * 10_00), "EUR"),
            }),
        },
    };

    internal static BookingProto.Booking Booking() => new()
    {
        BookingId = "bk_0fc2072c64ba5bb7e86ad5f5adec3b38",
        Status = BookingProto.BookingStatus.Confirmed,
        HotelId = "alfama-riverside",
        RoomTypeId = "alfama-riverside-double",
        CheckIn = new DateOnly(2027, 3, 1).ToProtoDate(),
        CheckOut = new DateOnly(2027, 3, 4).ToProtoDate(),
        Guests = 2,
        Guest = new BookingProto.Guest { Name = "Ana Lima", Email = "ana@example.com" },
        Total = Money.FromMinor(360_00, "EUR"),
        CreateTime = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTime(new DateTime(2026, 11, 27, 11, 10, 26, DateTimeKind.Utc)),
    };

    private static string Ratio(byte[] proto, byte[] json) => $"{(double)proto.Length / json.Length:F2}";

    private static int Gzip(byte[] data) => Compressed(data, stream => new GZipStream(stream, CompressionLevel.Optimal, leaveOpen: true));

    private static int Brotli(byte[] data) => Compressed(data, stream => new BrotliStream(stream, CompressionLevel.Optimal, leaveOpen: true));

    private static int Compressed(byte[] data, Func<Stream, Stream> compressor)
    {
        using var output = new MemoryStream();
        using (var compressing = compressor(output))
        {
            compressing.Write(data);
        }

        return (int)output.Length;
    }
}
