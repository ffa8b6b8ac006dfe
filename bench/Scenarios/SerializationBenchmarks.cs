using System.Text.Json;
using System.Text.Json.Serialization;
using BenchmarkDotNet.Attributes;
using Google.Protobuf;
using HotelBooking.Contracts;
using HotelBooking.Gateway.Apis;
using AvailabilityProto = HotelBooking.Contracts.Availability.V1;
using BookingProto = HotelBooking.Contracts.Booking.V1;

namespace HotelBooking.Bench.Scenarios;

/// <summary>
/// Google.Protobuf against System.Text.Json with source generation, on the same messages the payload
/// scenario measures: time and bytes allocated per serialize and per parse.
/// </summary>
[MemoryDiagnoser]
public class SerializationBenchmarks
{
    private AvailabilityProto.GetAvailabilityResponse _availabilityProto = null!;
    private AvailabilityDto _availabilityJson = null!;
    private BookingProto.Booking _bookingProto = null!;
    private BookingDto _bookingJson = null!;
    private byte[] _availabilityProtoBytes = null!;
    private byte[] _availabilityJsonBytes = null!;
    private byte[] _bookingProtoBytes = null!;
    private byte[] _bookingJsonBytes = null!;

    [GlobalSetup]
    public void Setup()
    {
        var availability = PayloadScenario.Availability(20);
        _availabilityProto = new() { Availability = availability };
        _availabilityJson = AvailabilityDto.From(availability);
        _bookingProto = PayloadScenario.Booking();
        _bookingJson = BookingDto.From(_bookingProto);
        _availabilityProtoBytes = _availabilityProto.ToByteArray();
        _availabilityJsonBytes = JsonSerializer.SerializeToUtf8Bytes(_availabilityJson, BenchJson.Default.AvailabilityDto);
        _bookingProtoBytes = _bookingProto.ToByteArray();
        _bookingJsonBytes = JsonSerializer.SerializeToUtf8Bytes(_bookingJson, BenchJson.Default.BookingDto);
    }

    [Benchmark]
    [BenchmarkCategory("availability-20", "serialize")]
    public byte[] Availability_Protobuf_Serialize() => _availabilityProto.ToByteArray();

    [Benchmark]
    [BenchmarkCategory("availability-20", "serialize")]
    public byte[] Availability_Json_Serialize() => JsonSerializer.SerializeToUtf8Bytes(_availabilityJson, BenchJson.Default.AvailabilityDto);

    [Benchmark]
    [BenchmarkCategory("availability-20", "parse")]
    public AvailabilityProto.GetAvailabilityResponse Availability_Protobuf_Parse() =>
        AvailabilityProto.GetAvailabilityResponse.Parser.ParseFrom(_availabilityProtoBytes);

    [Benchmark]
    [BenchmarkCategory("availability-20", "parse")]
    public AvailabilityDto? Availability_Json_Parse() => JsonSerializer.Deserialize(_availabilityJsonBytes, BenchJson.Default.AvailabilityDto);

    [Benchmark]
    [BenchmarkCategory("booking", "serialize")]
    public byte[] Booking_Protobuf_Serialize() => _bookingProto.ToByteArray();

    [Benchmark]
    [BenchmarkCategory("booking", "serialize")]
    public byte[] Booking_Json_Serialize() => JsonSerializer.SerializeToUtf8Bytes(_bookingJson, BenchJson.Default.BookingDto);

    [Benchmark]
    [BenchmarkCategory("booking", "parse")]
    public BookingProto.Booking Booking_Protobuf_Parse() => BookingProto.Booking.Parser.ParseFrom(_bookingProtoBytes);

    [Benchmark]
    [BenchmarkCategory("booking", "parse")]
    public BookingDto? Booking_Json_Parse() => JsonSerializer.Deserialize(_bookingJsonBytes, BenchJson.Default.BookingDto);
}

/// <summary>Source-generated System.Text.Json for the gateway's DTOs, with the web defaults the gateway uses.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(AvailabilityDto))]
[JsonSerializable(typeof(BookingDto))]
internal sealed partial class BenchJson : JsonSerializerContext;
