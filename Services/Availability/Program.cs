using HotelBooking.Availability.Data;
using HotelBooking.Availability.Extensions;
using HotelBooking.Availability.Grpc;
using HotelBooking.ServiceDefaults.Data;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddApplicationServices();
builder.AddGrpcServiceDefaults();

var app = builder.Build();

await app.MigrateDatabaseAsync<AvailabilityDbContext>(
    (db, services) => SeedData.SeedAsync(db, services.GetRequiredService<TimeProvider>()));

app.MapDefaultEndpoints();
app.MapGrpcService<AvailabilityGrpcService>();
app.MapGrpcServiceDefaults();

app.Run();
