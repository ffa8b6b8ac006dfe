using System.Diagnostics;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Grpc.Net.Client;
using Microsoft.Extensions.DependencyInjection;

namespace HotelBooking.EndToEnd.Infrastructure;

/// <summary>Starts the real AppHost once for the whole run, over fresh databases in a temporary folder.</summary>
public sealed class SystemFixture : IAsyncLifetime
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(4);
    private readonly string _dataDirectory = Directory.CreateTempSubdirectory("hotelbooking-e2e-").FullName;

    public DistributedApplication App { get; private set; } = null!;

    /// <summary>The public REST API (port 5080).</summary>
    public HttpClient Api { get; private set; } = null!;

    /// <summary>How long the system took from start to a healthy gateway.</summary>
    public TimeSpan StartupTime { get; private set; }

    public Uri GrpcEdge => App.GetEndpoint("gateway", "GrpcEdge");

    public GrpcChannel CreateEdgeChannel() => GrpcChannel.ForAddress(GrpcEdge);

    public async Task InitializeAsync()
    {
        var clock = Stopwatch.StartNew();
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.AppHost>(
            [$"HotelBooking:DataDirectory={_dataDirectory}"]);
        App = await builder.BuildAsync();

        using var timeout = new CancellationTokenSource(StartTimeout);
        await App.StartAsync(timeout.Token);
        await App.ResourceNotifications.WaitForResourceHealthyAsync("gateway", timeout.Token);
        StartupTime = clock.Elapsed;

        Api = new HttpClient { BaseAddress = App.GetEndpoint("gateway", "Rest"), Timeout = TimeSpan.FromSeconds(30) };
    }

    /// <summary>Stops a service, runs <paramref name="whileDown"/>, then starts it again and waits until it is healthy.</summary>
    public async Task WithResourceStoppedAsync(string name, Func<Task> whileDown)
    {
        var resource = App.Services.GetRequiredService<DistributedApplicationModel>().Resources.Single(r => r.Name == name);
        var commands = App.Services.GetRequiredService<ResourceCommandService>();
        try
        {
            using (var stopping = new CancellationTokenSource(StartTimeout))
            {
                var stopped = await commands.ExecuteCommandAsync(resource, KnownResourceCommands.StopCommand, stopping.Token);
                Assert.True(stopped.Success, $"Stopping {name}: {stopped.Message}");
                await App.ResourceNotifications.WaitForResourceAsync(name,
                    e => e.Snapshot.State?.Text is "Exited" or "Finished" or "FailedToStart", stopping.Token);
            }

            await whileDown();
        }
        finally
        {
            using var starting = new CancellationTokenSource(StartTimeout);
            await App.ResourceNotifications.WaitForResourceAsync(name,
                e => e.Snapshot.State?.Text is "Exited" or "Finished" or "FailedToStart" or "Running", starting.Token);
            var started = await commands.ExecuteCommandAsync(resource, KnownResourceCommands.StartCommand, starting.Token);
            Assert.True(started.Success, $"Starting {name}: {started.Message}");
            await App.ResourceNotifications.WaitForResourceHealthyAsync(name, starting.Token);
        }
    }

    public async Task DisposeAsync()
    {
        Api?.Dispose();
        if (App is not null)
        {
            await App.DisposeAsync();
        }

        try
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A process may still hold a file for a moment; the folder is in /tmp.
        }
    }
}

[CollectionDefinition(Name)]
public sealed class SystemCollection : ICollectionFixture<SystemFixture>
{
    public const string Name = "system";
}
