Console.WriteLine("Gateway");
