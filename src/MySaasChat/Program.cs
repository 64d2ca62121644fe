using MySaasChat;
using MySaasChat.Hosting;

return await Cli.RunAsync(args);

namespace MySaasChat
{
    public static class Cli
    {
        private const string Usage = """
            mysaaschat - self-hostable AI chat

            Usage:
              mysaaschat serve [--target all|auth|chat|billing|analytics|notifications|orchestrator] [--port N]
              mysaaschat migrate [--target T]     apply database migrations of the target's modules
              mysaaschat health [--port N] [--url URL]
                                                  ask a running instance for /health/detailed; exit 0 when healthy
              mysaaschat admin create --email EMAIL --password-stdin
                                                  create (or reset) a verified admin account; the password is read from stdin
              mysaaschat notify test --to ADDRESS
                                                  send a test email through SMTP_HOST (or into DATA_DIR/mail)
              mysaaschat help

            Settings come from environment variables (see .env.example). Without any, `serve` runs
            every module on the embedded defaults (SQLite, in-memory cache and bus) on port 8080.
            """;

        public static async Task<int> RunAsync(string[] args)
        {
            var command = args.Length > 0 && !args[0].StartsWith('-') ? args[0] : "serve";
            var rest = args.Length > 0 && !args[0].StartsWith('-') ? args[1..] : args;
            try
            {
                if (command == "admin")
                {
                    return await AdminCommand(rest);
                }
                if (command == "notify")
                {
                    var env = new ConfigurationBuilder().AddEnvironmentVariables().Build();
                    return await MySaasChat.Modules.Notifications.NotifyCommand.RunAsync(rest, env, Console.Out, Console.Error);
                }
                var (target, port, url) = ParseFlags(rest);
                switch (command)
                {
                    case "serve":
                    {
                        await using var app = MySaasChatApp.Build(new AppArguments { Target = target, Port = port });
                        await MySaasChatApp.PrepareAsync(app);
                        await app.RunAsync();
                        return 0;
                    }
                    case "migrate":
                    {
                        await using var app = MySaasChatApp.Build(new AppArguments { Target = target, Port = port });
                        var options = app.Services.GetRequiredService<PlatformOptions>();
                        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("MySaasChat.Migrate");
                        await Persistence.MigrateAllAsync(app.Services, options, logger, CancellationToken.None);
                        Console.WriteLine($"migrations applied for target '{options.Target}'");
                        return 0;
                    }
                    case "health":
                        return await HealthCommand(port, url);
                    case "help" or "--help" or "-h":
                        Console.WriteLine(Usage);
                        return 0;
                    default:
                        Console.Error.WriteLine($"mysaaschat: unknown command '{command}'\n\n{Usage}");
                        return 64;
                }
            }
            catch (SettingsException ex)
            {
                Console.Error.WriteLine($"mysaaschat: configuration error: {ex.Message}");
                return 78;
            }
            catch (IOException ex) when (ex.InnerException is Microsoft.AspNetCore.Connections.AddressInUseException)
            {
                Console.Error.WriteLine($"mysaaschat: cannot start: PORT: {ex.Message} Stop the other process or choose another port with --port or PORT.");
                return 1;
            }
            catch (StartupException ex)
            {
                Console.Error.WriteLine($"mysaaschat: cannot start: {ex.Message}");
                return 1;
            }
            catch (ArgumentException ex)
            {
                Console.Error.WriteLine($"mysaaschat: {ex.Message}\n\n{Usage}");
                return 64;
            }
        }

        private static (string? Target, int? Port, string? Url) ParseFlags(string[] args)
        {
            string? target = null, url = null;
            int? port = null;
            for (var i = 0; i < args.Length; i++)
            {
                string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
                switch (args[i])
                {
                    case "--target" or "-t": target = Next(); break;
                    case "--port" or "-p":
                        port = int.TryParse(Next(), out var p) && p is > 0 and < 65536 ? p : throw new ArgumentException("--port must be a number from 1 to 65535");
                        break;
                    case "--url": url = Next(); break;
                    default:
                        if (args[i].StartsWith("--target=", StringComparison.Ordinal)) target = args[i]["--target=".Length..];
                        else throw new ArgumentException($"unknown option '{args[i]}'");
                        break;
                }
            }
            return (target, port, url);
        }

        /// <summary>`admin create --email X --password-stdin [--target T]`: the first admin, without a browser or email.</summary>
        private static async Task<int> AdminCommand(string[] args)
        {
            string? email = null, target = null;
            var fromStdin = false;
            if (args.Length == 0 || args[0] != "create")
            {
                throw new ArgumentException("usage: mysaaschat admin create --email EMAIL --password-stdin");
            }
            for (var i = 1; i < args.Length; i++)
            {
                string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
                switch (args[i])
                {
                    case "--email": email = Next(); break;
                    case "--password-stdin": fromStdin = true; break;
                    case "--target" or "-t": target = Next(); break;
                    default: throw new ArgumentException($"unknown option '{args[i]}'");
                }
            }
            if (email is null || !fromStdin)
            {
                throw new ArgumentException("admin create needs --email and --password-stdin (the password is never taken from the command line)");
            }
            var password = (await Console.In.ReadLineAsync())?.TrimEnd('\r', '\n');
            if (string.IsNullOrEmpty(password))
            {
                Console.Error.WriteLine("mysaaschat: no password on stdin");
                return 64;
            }
            await using var app = MySaasChatApp.Build(new AppArguments { Target = target });
            if (!app.Services.GetRequiredService<IReadOnlyList<IModule>>().Any(m => m.Name == "identity"))
            {
                throw new ArgumentException("the identity module does not run in this target; use --target auth or all");
            }
            await MySaasChatApp.PrepareAsync(app);
            var (created, error) = await MySaasChat.Modules.Identity.Domain.AdminBootstrap.CreateAdminAsync(app.Services, email, password, CancellationToken.None);
            if (error is not null)
            {
                Console.Error.WriteLine($"mysaaschat: {error}");
                return 65;
            }
            Console.WriteLine(created ? $"admin {email} created" : $"{email} is now an admin with the new password");
            return 0;
        }

        /// <summary>For container health checks: exit 0 when /health/detailed answers 200.</summary>
        private static async Task<int> HealthCommand(int? port, string? url)
        {
            var config = new ConfigurationBuilder().AddEnvironmentVariables().Build();
            var options = PlatformOptions.Load(config, portArg: port);
            url ??= $"http://127.0.0.1:{options.Port}/health/detailed";
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
            try
            {
                using var response = await http.GetAsync(url);
                Console.WriteLine(await response.Content.ReadAsStringAsync());
                return response.IsSuccessStatusCode ? 0 : 1;
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                Console.Error.WriteLine($"mysaaschat: {url} did not answer: {ex.Message}");
                return 1;
            }
        }
    }
}
