'use client';

import { useEffect, useRef, useState } from 'react';

function cameraError(error: unknown): string {
  const name = error instanceof DOMException ? error.name : '';
  switch (name) {
    case 'NotAllowedError':
      return 'Camera access was refused. Allow the camera for this site in the browser settings.';
    case 'NotFoundError':
      return 'No camera was found on this device.';
    case 'NotReadableError':
      return 'The camera is busy in another application.';
    default:
      return 'The camera could not be started.';
  }
}

/** Takes photos from the device camera (getUserMedia) and hands them over as JPEG files. */
export function WebcamCapture({ onCapture }: { onCapture: (file: File) => void }) {
  const video = useRef<HTMLVideoElement>(null);
  const [stream, setStream] = useState<MediaStream | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [count, setCount] = useState(0);

  useEffect(() => {
    if (video.current && stream) {
      video.current.srcObject = stream;
    }
    return () => {
      stream?.getTracks().forEach((track) => track.stop());
    };
  }, [stream]);

  const start = async () => {
    setError(null);
    if (!navigator.mediaDevices?.getUserMedia) {
      setError('This browser cannot use the camera here (a secure https:// address is needed).');
      return;
    }
    try {
      setStream(
        await navigator.mediaDevices.getUserMedia({
          video: { facingMode: 'user', width: { ideal: 1280 }, height: { ideal: 720 } },
          audio: false,
        }),
      );
    } catch (e) {
      setError(cameraError(e));
    }
  };

  const capture = () => {
    const el = video.current;
    if (!el || el.videoWidth === 0) {
      return;
    }
    const canvas = document.createElement('canvas');
    canvas.width = el.videoWidth;
    canvas.height = el.videoHeight;
    canvas.getContext('2d')?.drawImage(el, 0, 0);
    canvas.toBlob(
      (blob) => {
        if (blob) {
          const n = count + 1;
          setCount(n);
          onCapture(new File([blob], `camera-${n}.jpg`, { type: 'image/jpeg' }));
        }
      },
      'image/jpeg',
      0.92,
    );
  };

  return (
    <div className="stack" style={{ gap: '0.5rem' }}>
      {stream ? (
        <>
          <video
            ref={video}
            autoPlay
            playsInline
            muted
            style={{ width: '100%', maxWidth: 480, borderRadius: 8, background: '#000' }}
            aria-label="Camera preview"
          />
          <div className="row">
            <button type="button" className="button" onClick={capture}>
              Take photo
            </button>
            <button type="button" className="button secondary" onClick={() => setStream(null)}>
              Stop camera
            </button>
          </div>
        </>
      ) : (
        <div>
          <button type="button" className="button secondary" onClick={() => void start()}>
            Use the camera
          </button>
        </div>
      )}
      {error && (
        <p className="notice warn" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}
