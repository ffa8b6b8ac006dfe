using HotelBooking.Gateway.Apis;
using HotelBooking.Gateway.Extensions;
using HotelBooking.Gateway.Errors;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddGatewayServices();

var app = builder.Build();

app.UseTraceIdHeader();
app.UseExceptionHandler();
app.UseStatusCodePages();

app.UseCors();
app.UseDefaultFiles();
app.UseStaticFiles();

app.UseSwagger();
app.UseSwaggerUI();

app.UseWebSockets();

app.MapDefaultEndpoints();
app.MapHotelsApi();
app.MapAvailabilityStreamApi();
app.MapBookingsApi();
app.MapQuotesSocketApi();
if (app.Environment.IsDevelopment())
{
    // Until admin authentication exists, the admin API is for the AppHost's Development environment only.
    app.MapInventoryAdminApi();
}

app.MapReverseProxy();

app.Run();
