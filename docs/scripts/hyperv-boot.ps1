<#
.SYNOPSIS
Boot the pvbus ISO in a new Hyper-V VM (Generation 1 or 2), capture COM1
to a file, wait until the report has ended, turn the VM off, and exit
with the code of docs/output.md's "Exit codes" table.

.DESCRIPTION
Untested here: the project is tested on Linux, where PowerShell's Hyper-V
module does not run.  What is tested (tests/ci/check.py) is that the
table and the patterns below are the ones the boot matrix uses
(tests/boot/harness/exitcodes.py).  Run it as an administrator (or a
member of "Hyper-V Administrators") on a Hyper-V host:

    .\hyperv-boot.ps1 -Iso .\pvbus.iso -Generation 2
    .\hyperv-boot.ps1 -Iso .\pvbus.iso -Generation 1 -Log gen1.log

The cmdlets, from Microsoft's Hyper-V module documentation:
  New-VM -Generation 1|2 -NoVHD        the VM, with no disk
  Set-VMFirmware -EnableSecureBoot Off Generation 2: GRUB from
                                       grub-mkrescue is not signed
  Add-VMDvdDrive -Path                 Generation 2: the ISO on SCSI, then
  Set-VMFirmware -FirstBootDevice      the first boot device
  Set-VMDvdDrive -Path, Set-VMBios -StartupOrder
                                       Generation 1: the ISO in the DVD
                                       drive on IDE 1:0, CD first
  Set-VMComPort -Number 1 -Path \\.\pipe\NAME
                                       COM1 to a named pipe, before the VM
                                       starts (Generation 2 offers COM
                                       ports only through PowerShell, and
                                       a port without a pipe is not there
                                       for the guest)
  Start-VM; Stop-VM -TurnOff -Force; Remove-VM -Force
The VM is the pipe's server: a .NET System.IO.Pipes.NamedPipeClientStream
connects as soon as the VM starts, and everything read goes to -Log.

How the boot ended is read from the log, as the boot matrix and
tools/pvbus-verdict read it, since Hyper-V has no QEMU exit port: the
kernel's "# exit status 0xNN" line (the last it prints, after the totals
line), boot.asm's "no long mode" line, or the guest booting again with
no "# rebooting" line before it (a triple fault resets a Hyper-V VM):
code 6.  No end within -TimeoutSeconds is 7; a VM that cannot be made,
started or read, or that closes the pipe before the end, is 8.

.PARAMETER Iso
The ISO (build/pvbus.iso, or one made with tools/mkiso.sh).
.PARAMETER Generation
1 (BIOS) or 2 (UEFI).
.PARAMETER Name
The VM's name; it must not exist yet.
.PARAMETER Log
Where the serial output goes.
.PARAMETER TimeoutSeconds
How long to wait for the end of the report.
.PARAMETER MemoryMB
The VM's memory.
.PARAMETER Keep
Leave the VM (turned off) behind.
#>
param(
    [Parameter(Mandatory = $true)] [string] $Iso,
    [ValidateSet(1, 2)] [int] $Generation = 2,
    [string] $Name = "pvbus-$PID",
    [string] $Log = "pvbus-serial.log",
    [int] $TimeoutSeconds = 300,
    [long] $MemoryMB = 256,
    [switch] $Keep
)
$ErrorActionPreference = 'Stop'

# The exit-code table (docs/output.md "Exit codes"): the kernel's status and
# the code.  tests/ci/check.py compares it with exitcodes.py.
$ExitCodes = @{
    0x10 = 0    # pass
    0x11 = 1    # fail
    0x12 = 2    # crash
    0x13 = 3    # booterr
    0x14 = 4    # panic
    0x15 = 5    # halt
}
$Verdicts = @{
    0x10 = 'pass'; 0x11 = 'fail'; 0x12 = 'crash'; 0x13 = 'booterr'
    0x14 = 'panic'; 0x15 = 'halt'
}
$CodeNoReport = 6
$CodeTimeout = 7
$CodeError = 8

# The patterns, as tests/boot/harness/exitcodes.py has them.
$ExitStatusPattern = '^# exit status 0x([0-9a-fA-F]+)\b'
$NoLongModePattern = 'boot: this CPU has no long mode'
$BootedPattern = '^pvbus testbed: booted\b'
$RebootingPattern = '^# rebooting$'

function Get-CodeFromLog([string[]] $Lines) {
    # @(code, verdict, why) if the lines show how the boot ended, or
    # $null if it may still be running.
    $boots = 0
    $requested = 0
    foreach ($raw in $Lines) {
        $line = $raw.TrimEnd("`r")
        if ($line -cmatch $BootedPattern) {
            $boots++
            if ($boots -gt $requested + 1) {
                return @($CodeNoReport, 'noreport',
                    'the guest booted again without a reboot being asked for (a triple fault?)')
            }
        } elseif ($line -cmatch $RebootingPattern) {
            $requested++
        }
        if ($line -cmatch $ExitStatusPattern) {
            $status = [Convert]::ToInt32($Matches[1], 16)
            if ($ExitCodes.ContainsKey($status)) {
                return @($ExitCodes[$status], $Verdicts[$status],
                    ('exit status 0x{0:x2}' -f $status))
            }
            return @($CodeError, 'error', ('unknown exit status 0x{0:x2}' -f $status))
        }
        if ($line -cmatch $NoLongModePattern) {
            return @($ExitCodes[0x13], 'booterr', 'this CPU has no long mode')
        }
    }
    return $null
}

function Exit-With($Result) {
    Write-Host ("hyperv-boot: {0}, exit code {1} ({2}); serial log {3}" -f
        $Result[1], $Result[0], $Result[2], $Log)
    exit $Result[0]
}

$Log = [System.IO.Path]::GetFullPath((Join-Path (Get-Location) $Log))
try {
    $IsoPath = (Resolve-Path -LiteralPath $Iso).Path
} catch {
    Exit-With @($CodeError, 'error', "cannot read $Iso")
}
if (Get-VM -Name $Name -ErrorAction SilentlyContinue) {
    Exit-With @($CodeError, 'error', "a VM named $Name exists already")
}
$PipeName = "pvbus-$Name"
$result = $null
$pipe = $null
$out = $null
try {
    try {
        New-VM -Name $Name -Generation $Generation -MemoryStartupBytes ($MemoryMB * 1MB) -NoVHD | Out-Null
        Set-VM -Name $Name -CheckpointType Disabled
        if ($Generation -eq 2) {
            Set-VMFirmware -VMName $Name -EnableSecureBoot Off
            $dvd = Add-VMDvdDrive -VMName $Name -Path $IsoPath -Passthru
            Set-VMFirmware -VMName $Name -FirstBootDevice $dvd
        } else {
            # New-VM gives a Generation 1 VM a DVD drive on IDE 1:0.
            $dvd = Get-VMDvdDrive -VMName $Name | Select-Object -First 1
            if ($null -eq $dvd) {
                $dvd = Add-VMDvdDrive -VMName $Name -ControllerNumber 1 -ControllerLocation 0 -Passthru
            }
            Set-VMDvdDrive -VMName $Name -ControllerNumber $dvd.ControllerNumber `
                -ControllerLocation $dvd.ControllerLocation -Path $IsoPath
            Set-VMBios -VMName $Name -StartupOrder @('CD', 'IDE', 'LegacyNetworkAdapter', 'Floppy')
        }
        Set-VMComPort -VMName $Name -Number 1 -Path "\\.\pipe\$PipeName"
        Start-VM -Name $Name
        $pipe = New-Object System.IO.Pipes.NamedPipeClientStream('.', $PipeName,
            [System.IO.Pipes.PipeDirection]::In)
        $pipe.Connect(30000)
    } catch {
        $result = @($CodeError, 'error', "could not create, start or connect to ${Name}: $_")
    }

    if ($null -eq $result) {
        # Read the pipe into -Log until the end of the report, the pipe
        # closing (the VM stopped), or the timeout.  Bytes pass as they
        # came; for matching they are read as ISO-8859-1, one character
        # per byte, and only whole lines are matched.
        $latin1 = [System.Text.Encoding]::GetEncoding(28591)
        $out = [System.IO.File]::Open($Log, 'Create', 'Write', 'Read')
        $buf = New-Object byte[] 4096
        $text = New-Object System.Text.StringBuilder
        $deadline = (Get-Date).AddSeconds($TimeoutSeconds)
        $read = $null
        $closed = $false
        while ($null -eq $result) {
            $left = ($deadline - (Get-Date)).TotalMilliseconds
            if ($left -le 0) { break }
            if ($null -eq $read) { $read = $pipe.ReadAsync($buf, 0, $buf.Length) }
            if (-not $read.Wait([int][Math]::Min($left, 1000))) { continue }
            $n = $read.Result
            $read = $null
            if ($n -eq 0) { $closed = $true; break }
            $out.Write($buf, 0, $n)
            $out.Flush()
            [void]$text.Append($latin1.GetString($buf, 0, $n))
            $whole = $text.ToString()
            $end = $whole.LastIndexOf("`n")
            if ($end -ge 0) {
                $result = Get-CodeFromLog ($whole.Substring(0, $end) -split "`n")
            }
        }
        if ($null -eq $result -and $closed) {
            $result = @($CodeError, 'error', 'the VM closed its COM1 pipe before the end of the report')
        } elseif ($null -eq $result) {
            $result = @($CodeTimeout, 'timeout', "no end of the report in $TimeoutSeconds s")
        }
    }
} finally {
    if ($null -ne $out) { $out.Dispose() }
    if ($null -ne $pipe) { $pipe.Dispose() }
    Stop-VM -Name $Name -TurnOff -Force -ErrorAction SilentlyContinue
    if (-not $Keep) { Remove-VM -Name $Name -Force -ErrorAction SilentlyContinue }
}
Exit-With $result
