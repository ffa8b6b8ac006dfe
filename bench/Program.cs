using HotelBooking.Bench.Scenarios;

// dotnet run -c Release --project bench -- [scenario]
// Scenarios so far: payload. Each prints a Markdown table.
var scenario = args.FirstOrDefault() ?? "payload";
switch (scenario)
{
    case "payload":
        Console.WriteLine(PayloadScenario.Run());
        return 0;
    default:
        Console.Error.WriteLine($"Unknown scenario '{scenario}'. Available: payload.");
        return 2;
}
